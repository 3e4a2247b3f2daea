package dev.shoal.transport;

import com.google.protobuf.ByteString;
import dev.shoal.federation.LedgerWitness;
import dev.shoal.transport.proto.CheckpointReply;
import dev.shoal.transport.proto.CosignRequest;
import dev.shoal.transport.proto.LedgerEntryProof;
import java.util.List;
import java.util.Optional;

/** Ledger checkpoints, proofs and cosignatures between their protobuf and Java forms. */
final class LedgerWire {

  private LedgerWire() {}

  static CheckpointReply reply(Optional<LedgerWitness.Offer> offer) {
    if (offer.isEmpty()) {
      return CheckpointReply.getDefaultInstance();
    }
    LedgerWitness.Offer o = offer.get();
    CheckpointReply.Builder b = CheckpointReply.newBuilder().setLogKey(o.logKey()).setCheckpoint(o.checkpoint())
        .addAllConsistency(bytes(o.consistency()));
    for (LedgerWitness.Entry e : o.entries()) {
      b.addEntries(LedgerEntryProof.newBuilder().setIndex(e.index()).setJson(ByteString.copyFrom(e.json()))
          .addAllProof(bytes(e.proof())));
    }
    return b.build();
  }

  static Optional<LedgerWitness.Offer> offer(CheckpointReply r) {
    if (r.getCheckpoint().isEmpty()) {
      return Optional.empty();
    }
    List<LedgerWitness.Entry> entries = r.getEntriesList().stream()
        .map(e -> new LedgerWitness.Entry(e.getIndex(), e.getJson().toByteArray(), arrays(e.getProofList())))
        .toList();
    return Optional.of(new LedgerWitness.Offer(r.getLogKey(), r.getCheckpoint(), arrays(r.getConsistencyList()), entries));
  }

  static CosignRequest request(String node, LedgerWitness.Cosignature c) {
    return CosignRequest.newBuilder().setNode(node).setSize(c.size()).setCosignerKey(c.cosignerKey())
        .setSignatureLine(c.signatureLine()).build();
  }

  static LedgerWitness.Cosignature cosignature(CosignRequest r) {
    return new LedgerWitness.Cosignature(r.getSize(), r.getCosignerKey(), r.getSignatureLine());
  }

  private static List<ByteString> bytes(List<byte[]> hashes) {
    return hashes.stream().map(ByteString::copyFrom).toList();
  }

  private static List<byte[]> arrays(List<ByteString> hashes) {
    return hashes.stream().map(ByteString::toByteArray).toList();
  }
}
