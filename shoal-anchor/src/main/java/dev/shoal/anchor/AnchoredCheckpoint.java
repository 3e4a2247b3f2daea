package dev.shoal.anchor;

import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One checkpoint of a run as the chain holds it.
 *
 * @param run        the run's name (its on-chain id is {@link RunId#of(String)})
 * @param index      0-based position in the run's checkpoint list, in anchoring order
 * @param treeSize   the ledger's tree size at this checkpoint
 * @param root       the ledger's 32-byte Merkle root at that size
 * @param anchoredAt the timestamp of the block that holds the anchoring transaction
 */
public record AnchoredCheckpoint(String run, int index, long treeSize, byte[] root, Instant anchoredAt) {

  public AnchoredCheckpoint {
    Objects.requireNonNull(run, "run");
    Objects.requireNonNull(anchoredAt, "anchoredAt");
    root = root.clone();
  }

  @Override
  public byte[] root() {
    return root.clone();
  }

  /** The root as lowercase hex without a prefix. */
  public String rootHex() {
    return HexFormat.of().formatHex(root);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AnchoredCheckpoint c
        && run.equals(c.run)
        && index == c.index
        && treeSize == c.treeSize
        && Arrays.equals(root, c.root)
        && anchoredAt.equals(c.anchoredAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(run, index, treeSize, Arrays.hashCode(root), anchoredAt);
  }

  @Override
  public String toString() {
    return "AnchoredCheckpoint[run=" + run + ", index=" + index + ", treeSize=" + treeSize
        + ", root=" + rootHex() + ", anchoredAt=" + anchoredAt + "]";
  }
}
