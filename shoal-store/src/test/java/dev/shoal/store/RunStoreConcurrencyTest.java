package dev.shoal.store;

import static dev.shoal.store.Rounds.metrics;
import static dev.shoal.store.Rounds.model;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.store.Bookkeeping.Instructed;
import dev.shoal.store.Bookkeeping.NodeSeen;
import dev.shoal.store.Bookkeeping.Received;
import dev.shoal.store.Bookkeeping.Resolved;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many threads write at once, as a coordinator's journal writer, round thread and liveness sweep
 * do, while others read: every batch is whole and every retried result is counted once.
 */
class RunStoreConcurrencyTest {

  private static final int NODES = 16;
  private static final int RETRIES = 4;

  @TempDir Path dir;

  @Test
  void concurrentBatchesAndRetriedUploadsAreEachCountedOnce() throws Exception {
    Instant t0 = Instant.now();
    try (RunStore store = RunStore.open(dir)) {
      Run run = store.openRun(RunSpec.of("busy", "c", 1, 3));
      store.startRound(run.id(), 1);
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        List<Future<?>> given = new ArrayList<>();
        for (int n = 0; n < NODES; n++) {
          String node = "node-" + n;
          given.add(pool.submit(() -> store.record(List.of(new NodeSeen(node, t0, NodeStatus.ONLINE),
              new Instructed(run.id(), 1, node, InstructionKind.FIT, model(0), Map.of(), t0)))));
          given.add(pool.submit(() -> store.markOffline(Duration.ofHours(1))));
        }
        awaitAll(given);

        List<Future<?>> uploads = new ArrayList<>();
        for (int n = 0; n < NODES; n++) {
          String node = "node-" + n;
          for (int attempt = 0; attempt < RETRIES; attempt++) {
            Instant at = t0.plusMillis(attempt);
            uploads.add(pool.submit(() -> store.record(List.of(new NodeSeen(node, at, NodeStatus.ONLINE),
                new Received(Result.of(run.id(), 1, node, model(100), 10, Map.of()), at),
                new Resolved(run.id(), 1, node, InstructionKind.FIT, InstructionStatus.DONE, null, at)))));
            uploads.add(pool.submit(() -> {
              List<Node> nodes = store.nodes();
              assertThat(nodes).as("a batch registers its node and instructs it together").hasSize(NODES);
              return store.roundsContributed(run.id());
            }));
          }
        }
        awaitAll(uploads);
      }
      List<Result> results = StoredRows.results(dir, run.id(), 1);
      assertThat(results).hasSize(NODES);
      assertThat(results).extracting(Result::node).doesNotHaveDuplicates();
      assertThat(store.instructions(run.id(), 1)).hasSize(NODES)
          .allMatch(i -> i.status() == InstructionStatus.DONE);
      store.completeRound(run.id(), metrics(1, model(1)), model(1));
      assertThat(store.nodes()).hasSize(NODES).allMatch(n -> n.roundsContributed() == 1);
      assertThat(store.roundsContributed(run.id())).hasSize(NODES).allSatisfy((n, c) -> assertThat(c).isEqualTo(1));
    }
  }

  private static void awaitAll(List<Future<?>> futures) throws Exception {
    for (Future<?> f : futures) {
      f.get();
    }
  }
}
