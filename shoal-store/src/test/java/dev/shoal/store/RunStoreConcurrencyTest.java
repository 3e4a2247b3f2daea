package dev.shoal.store;

import static dev.shoal.store.Rounds.metrics;
import static dev.shoal.store.Rounds.model;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many threads report at once, as a coordinator's connection handlers do. */
class RunStoreConcurrencyTest {

  @TempDir Path dir;

  @Test
  void concurrentUploadsAndRetriesAreEachCountedOnce() throws Exception {
    int nodes = 16;
    int retries = 4;
    try (RunStore store = RunStore.open(dir)) {
      Run run = store.openRun(RunSpec.of("busy", "c", 1, 3));
      store.startRound(run.id(), 1);
      List<Future<Boolean>> outcomes = new ArrayList<>();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int n = 0; n < nodes; n++) {
          String node = "node-" + n;
          for (int attempt = 0; attempt < retries; attempt++) {
            outcomes.add(pool.submit(() -> {
              store.heartbeat(node);
              return store.recordResult(Result.of(run.id(), 1, node, model(100), 10, Map.of()));
            }));
          }
        }
      }
      long added = 0;
      for (Future<Boolean> f : outcomes) {
        added += f.get() ? 1 : 0;
      }
      assertThat(added).isEqualTo(nodes);
      assertThat(store.results(run.id(), 1)).hasSize(nodes);
      store.completeRound(run.id(), metrics(1, model(1)), model(1));
      assertThat(store.nodes()).hasSize(nodes).allMatch(n -> n.roundsContributed() == 1);
    }
  }
}
