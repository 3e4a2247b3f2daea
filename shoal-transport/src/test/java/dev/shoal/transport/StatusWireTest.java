package dev.shoal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.federation.NodeStatus;
import dev.shoal.federation.Resources;
import dev.shoal.federation.RunStatus;
import dev.shoal.transport.proto.NodeResources;
import dev.shoal.transport.proto.StatusReply;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A run's status crosses the wire field for field, and a reply from another version still reads. */
class StatusWireTest {

  static final Resources QUOTA = new Resources(1, Resources.ThreadsFrom.CGROUP, 2, 1.0, 4L << 30,
      Resources.MemoryFrom.CGROUP, 10);

  @Test
  void aStatusRoundTrips() {
    RunStatus status = new RunStatus("mnist", 3, 5, 2, "running", List.of(
        new NodeStatus("alice", true, Instant.ofEpochMilli(1_700_000_000_123L), 2, Optional.of(QUOTA)),
        new NodeStatus("bob", false, Instant.ofEpochMilli(1_700_000_000_000L), 0, Optional.empty())), true);
    StatusReply wire = StatusWire.toProto(status);
    assertThat(wire.getNodes(0).getResources().getThreadsFrom()).isEqualTo("cgroup");
    assertThat(wire.getNodes(1).hasResources()).isFalse();
    assertThat(wire.getPlaintext()).isTrue();
    assertThat(StatusWire.fromProto(wire)).isEqualTo(status);
  }

  @Test
  void theWireFieldsAreTheOnesOlderClientsRead() {
    StatusReply wire = StatusWire.toProto(new RunStatus("r", 1, 2, 0, "waiting",
        List.of(new NodeStatus("n", true, Instant.ofEpochMilli(42), 7, Optional.of(QUOTA)))));
    assertThat(wire.getRun()).isEqualTo("r");
    assertThat(wire.getCurrentRound()).isEqualTo(1);
    assertThat(wire.getTotalRounds()).isEqualTo(2);
    assertThat(wire.getCompletedRounds()).isZero();
    assertThat(wire.getState()).isEqualTo("waiting");
    assertThat(wire.getNodes(0).getName()).isEqualTo("n");
    assertThat(wire.getNodes(0).getOnline()).isTrue();
    assertThat(wire.getNodes(0).getLastSeenEpochMillis()).isEqualTo(42);
    assertThat(wire.getNodes(0).getRoundsContributed()).isEqualTo(7);
    assertThat(wire.getNodes(0).getResources().getMemoryLimitBytes()).isEqualTo(4L << 30);
  }

  @Test
  void resourcesThisVersionDoesNotUnderstandReadAsUnknown() {
    StatusReply wire = StatusReply.newBuilder().setRun("r").setState("running")
        .addNodes(dev.shoal.transport.proto.NodeStatus.newBuilder().setName("n").setResources(
            NodeResources.newBuilder().setEngineThreads(2).setThreadsFrom("scheduler").setMemoryFrom("none")))
        .build();
    assertThat(StatusWire.fromProto(wire).nodes().get(0).resources()).isEmpty();
  }
}
