package dev.shoal.transport;

import dev.shoal.federation.NodeStatus;
import dev.shoal.federation.RunStatus;
import dev.shoal.transport.proto.StatusReply;
import java.time.Instant;

/** A run's {@link RunStatus} on the wire ({@link StatusReply}) and back. */
final class StatusWire {

  private StatusWire() {}

  static StatusReply toProto(RunStatus s) {
    StatusReply.Builder b = StatusReply.newBuilder().setRun(s.run()).setTotalRounds(s.totalRounds())
        .setCompletedRounds(s.completedRounds()).setCurrentRound(s.currentRound()).setState(s.state())
        .setPlaintext(s.plaintext());
    for (NodeStatus n : s.nodes()) {
      var node = dev.shoal.transport.proto.NodeStatus.newBuilder().setName(n.name()).setOnline(n.online())
          .setLastSeenEpochMillis(n.lastSeen().toEpochMilli()).setRoundsContributed(n.roundsContributed());
      n.resources().map(ResourcesWire::toProto).ifPresent(node::setResources);
      b.addNodes(node);
    }
    return b.build();
  }

  /** The status a reply describes; a node's resources are empty when absent or not understood. */
  static RunStatus fromProto(StatusReply p) {
    return new RunStatus(p.getRun(), p.getCurrentRound(), p.getTotalRounds(), p.getCompletedRounds(), p.getState(),
        p.getNodesList().stream().map(n -> new NodeStatus(n.getName(), n.getOnline(),
            Instant.ofEpochMilli(n.getLastSeenEpochMillis()), n.getRoundsContributed(),
            n.hasResources() ? ResourcesWire.fromProto(n.getResources()) : java.util.Optional.empty())).toList(),
        p.getPlaintext());
  }
}
