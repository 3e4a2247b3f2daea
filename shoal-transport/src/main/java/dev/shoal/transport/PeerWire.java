package dev.shoal.transport;

import com.google.protobuf.ByteString;
import dev.shoal.peer.Ballot;
import dev.shoal.peer.Decision;
import dev.shoal.peer.PeerInfo;
import dev.shoal.transport.proto.DecisionMessage;

/** Conversions between the peer protocol's records and its protobuf messages. */
final class PeerWire {

  private PeerWire() {}

  static PeerInfo info(dev.shoal.transport.proto.PeerInfo p) {
    return new PeerInfo(p.getName(), p.getAddress(), p.getCosignerKey(), p.getDecided());
  }

  static dev.shoal.transport.proto.PeerInfo info(PeerInfo p) {
    return dev.shoal.transport.proto.PeerInfo.newBuilder().setName(p.name()).setAddress(p.address())
        .setCosignerKey(p.cosignerKey()).setDecided(p.decided()).build();
  }

  static Ballot ballot(dev.shoal.transport.proto.Ballot b) {
    return new Ballot(b.getNumber(), b.getProposer());
  }

  static dev.shoal.transport.proto.Ballot ballot(Ballot b) {
    return dev.shoal.transport.proto.Ballot.newBuilder().setNumber(b.number()).setProposer(b.proposer()).build();
  }

  static Decision decision(DecisionMessage m) {
    return new Decision(m.getRound(), m.getEntry().toByteArray(), m.getNote());
  }

  static DecisionMessage decision(Decision d) {
    return DecisionMessage.newBuilder().setRound(d.round()).setEntry(ByteString.copyFrom(d.entry()))
        .setNote(d.note()).build();
  }
}
