/**
 * Shoal's tamper-evident training ledger.
 *
 * <p>A run's events are {@link dev.shoal.ledger.LedgerEntry ledger entries} serialized as
 * {@link dev.shoal.ledger.CanonicalJson RFC 8785 canonical JSON} and appended to a crash-safe
 * {@link dev.shoal.ledger.LedgerLog}. The entries are the leaves of an RFC 9162
 * {@link dev.shoal.ledger.MerkleTree Merkle tree}, whose head the log operator publishes as a
 * {@link dev.shoal.ledger.Checkpoint C2SP checkpoint} inside a
 * {@link dev.shoal.ledger.SignedNote signed note} ({@link dev.shoal.ledger.NoteSigner}), and
 * which witnesses {@link dev.shoal.ledger.Cosigner cosign}. Readers decide whether to trust a
 * checkpoint with a {@link dev.shoal.ledger.CheckpointPolicy}, then check inclusion and
 * consistency proofs against it with {@link dev.shoal.ledger.MerkleTree}.
 *
 * <p>A typical writer:
 * <pre>{@code
 * try (LedgerLog ledger = LedgerLog.open(stateDir.resolve("ledger"))) {
 *   ledger.append(new RunStarted(run, configHash, "fedavg", Instant.now()).toJson());
 *   String note = ledger.checkpoint(Checkpoint.originFor(run)).sign(logKey).encode();
 * }
 * }</pre>
 * and a reader:
 * <pre>{@code
 * VerifiedCheckpoint cp = policy.verify(note);
 * boolean included = MerkleTree.verifyInclusion(MerkleTree.leafHash(entry.toJson()), index,
 *     cp.checkpoint().size(), proof, cp.checkpoint().root());
 * }</pre>
 * The formats are described in {@code docs/ledger.md}.
 */
package dev.shoal.ledger;
