package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.shoal.federation.RunStatus;
import dev.shoal.round.RemoteClients;
import dev.shoal.round.RoundMetrics;
import dev.shoal.store.Bookkeeping;
import dev.shoal.store.InstructionKind;
import dev.shoal.store.InstructionStatus;
import dev.shoal.store.NodeStatus;
import dev.shoal.store.Run;
import dev.shoal.store.RunSpec;
import dev.shoal.store.StateDirectory;
import dev.shoal.tensor.ContentId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `shoal status` after a restart: what the store remembers, not what this process saw. */
class CoordinatorStatusTest {

  @TempDir Path dir;

  @Test
  void nodesAndTheirRoundsComeFromTheStoreAndSurviveARestart() throws Exception {
    Instant before = Instant.parse("2026-01-01T00:00:00Z");
    ContentId model = ContentId.of("m".getBytes(StandardCharsets.UTF_8));
    try (StateDirectory state = StateDirectory.open(dir)) {
      Run run = state.runs().openRun(RunSpec.of("r", "x", 1, 3));
      state.runs().startRound(run.id(), 1);
      for (String n : List.of("a", "b")) {
        state.runs().record(List.of(new Bookkeeping.NodeSeen(n, before, NodeStatus.ONLINE),
            new Bookkeeping.Instructed(run.id(), 1, n, InstructionKind.FIT, model, Map.of(), before),
            new Bookkeeping.Resolved(run.id(), 1, n, InstructionKind.FIT, InstructionStatus.DONE, null, before)));
      }
      state.runs().completeRound(run.id(), new RoundMetrics(1, 2, 0, true, 0.5, 0.5, 0.5, 1, 1, 1, model.value(),
          Map.of()), model);

      // a new coordinator process: every node offline until it registers again
      state.runs().markOffline(Duration.ZERO);
      try (StoreJournal journal = new StoreJournal(state.runs(), run.id(), StoreJournal.LAST_SEEN_EVERY)) {
        RemoteClients clients = new RemoteClients(Clock.systemUTC(), Duration.ofSeconds(30), journal);
        clients.register("a");
        journal.flush();
        RunStatus status = Coordinator.status(run, 3, 2, state, clients);
        assertThat(status.nodes()).extracting(n -> n.name(), n -> n.online(), n -> n.roundsContributed())
            .containsExactly(tuple("a", true, 1), tuple("b", false, 1));
        assertThat(status.nodes().get(0).lastSeen()).isEqualTo(clients.nodes().get(0).lastSeen());
        assertThat(status.nodes().get(1).lastSeen()).isEqualTo(before);
      }
    }
  }
}
