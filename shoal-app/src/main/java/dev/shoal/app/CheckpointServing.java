package dev.shoal.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.ledger.CheckpointPolicy;
import dev.shoal.ledger.NoteVerificationException;
import dev.shoal.ledger.SignedNote;
import dev.shoal.federation.LedgerWitness;
import dev.shoal.federation.CheckpointService;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A run's ledger as its nodes witness it: the latest checkpoint with the proofs a node needs,
 * and the nodes' cosignatures, checked and added to the stored checkpoints.
 */
final class CheckpointServing implements CheckpointService {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RunLedger ledger;

  CheckpointServing(RunLedger ledger) {
    this.ledger = ledger;
  }

  @Override
  public Optional<LedgerWitness.Offer> offer(String node, long lastSize) throws IOException {
    long size = ledger.size();
    if (size == 0 || size == lastSize) {
      return Optional.empty();
    }
    List<byte[]> consistency = lastSize > 0 && lastSize < size ? ledger.consistencyProof(lastSize, size) : List.of();
    List<LedgerWitness.Entry> own = new ArrayList<>();
    for (long i = Math.min(Math.max(0, lastSize), size); i < size; i++) {
      byte[] json = ledger.entry(i);
      if (names(json, node)) {
        own.add(new LedgerWitness.Entry(i, json, ledger.inclusionProof(i, size)));
      }
    }
    return Optional.of(new LedgerWitness.Offer(ledger.verifierKey(), ledger.checkpoint(size), consistency, own));
  }

  @Override
  public void cosign(String node, LedgerWitness.Cosignature c) throws IOException {
    String line = c.signatureLine();
    if (!line.endsWith("\n") || line.indexOf('\n') != line.length() - 1) {
      throw new IllegalArgumentException("a cosignature is one note signature line ending in a newline");
    }
    if (!c.cosignerKey().startsWith(node + "+")) {
      throw new IllegalArgumentException("node '" + node + "' cannot cosign with a key named for another: " + c.cosignerKey());
    }
    if (c.size() <= 0 || c.size() > ledger.size()) {
      throw new IllegalArgumentException("there is no checkpoint of " + c.size() + " entries");
    }
    String origin = ledger.verifierKey().substring(0, ledger.verifierKey().indexOf('+'));
    CheckpointPolicy policy = CheckpointPolicy.of(origin, ledger.verifierKey(), List.of(c.cosignerKey()), 1);
    ledger.cosign(c.size(), stored -> {
      SignedNote offered = SignedNote.parse(stored + line);
      String cosigned = SignedNote.parse(stored)
          .withSignature(offered.signatures().get(offered.signatures().size() - 1)).encode();
      try {
        policy.verify(cosigned);
      } catch (NoteVerificationException e) {
        throw new IllegalArgumentException("the cosignature does not verify: " + e.getMessage(), e);
      }
      return cosigned;
    }, c.cosignerKey());
  }

  private static boolean names(byte[] json, String node) {
    try {
      for (JsonNode p : JSON.readTree(json).path("participants")) {
        if (p.asText().equals(node)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }
}
