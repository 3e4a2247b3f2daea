package dev.shoal.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.djl.ModelZoo;
import dev.shoal.federation.RunStatus;
import dev.shoal.round.RemoteClients;
import dev.shoal.round.RoundCommit;
import dev.shoal.round.RoundEngine;
import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RunConfig;
import dev.shoal.round.RunEvent;
import dev.shoal.store.Run;
import dev.shoal.store.RunSpec;
import dev.shoal.store.StateDirectory;
import dev.shoal.strategy.FedAvg;
import dev.shoal.strategy.Metadata;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.FitConfig;
import dev.shoal.transport.CoordinatorServer;
import dev.shoal.transport.FederationService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One coordinator under load, on loopback with its default call limits: a fleet of nodes in
 * another JVM ({@link NodeFleet}, which does not train) answers every round, every node sampled.
 * Every round must have every update, each accepted exactly once, and the coordinator must stay
 * within its heap (this JVM's {@code -Xmx}, see the bench pom) with its live heap well under it.
 * Rounds are few and the deadline is generous: the test says nothing about speed.
 */
class LoadIT {

  private static final double MIB = 1 << 20;

  @TempDir Path dir;

  @Test
  void aHundredNodesWithTheCnn() throws Exception {
    federate(100, ModelZoo.CNN, 2, 500, "3g");
  }

  @Test
  void aThousandNodeConnectionsWithASmallModel() throws Exception {
    federate(1000, ModelZoo.LOGREG, 2, 2000, "2g");
  }

  private void federate(int nodes, String model, int rounds, long pollMillis, String fleetHeap) throws Exception {
    ParameterSet initial = ModelZoo.standard().newTrainer(model).initialParameters(1)
        .withMetadata(Map.of(Metadata.MODEL, model, Metadata.ROUND, "0"));
    Map<String, AtomicInteger> accepted = new ConcurrentHashMap<>();
    List<String> otherOutcomes = new CopyOnWriteArrayList<>();
    var journal = new RemoteClients.Journal() {
      @Override
      public void outcome(String node, RemoteClients.Kind kind, int round, RemoteClients.Outcome outcome,
          String reason, Instant at) {
        if (outcome == RemoteClients.Outcome.ACCEPTED) {
          accepted.computeIfAbsent(round + "/" + node, k -> new AtomicInteger()).incrementAndGet();
        } else if (outcome != RemoteClients.Outcome.DUPLICATE) {
          // a duplicate is a result sent again after its answer was lost (a call that timed out on
          // a loaded coordinator): it is recognised and not counted, which is what is checked here
          otherOutcomes.add("%s round %d: %s %s".formatted(node, round, outcome, reason));
        }
      }
    };
    List<RoundMetrics> finished = new CopyOnWriteArrayList<>();
    var heap = new HeapPeak();
    heap.reset();
    try (StateDirectory state = StateDirectory.open(dir)) {
      Run run = state.runs().openRun(RunSpec.of("load", "nodes=" + nodes + "\nmodel=" + model, 1, rounds));
      var remote = new RemoteClients(Clock.systemUTC(), Duration.ofMinutes(2), journal);
      var service = new FederationService(remote, state.blobs(), () -> new RunStatus("", 0, 0, 0, "", List.of()),
          Duration.ofSeconds(5), Duration.ofMillis(pollMillis));
      try (CoordinatorServer server = CoordinatorServer.startInsecure("127.0.0.1", 0, service)) {
        Process fleet = NodeFleet.start(server.port(), nodes, pollMillis, fleetHeap,
            List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        try {
          awaitNodes(remote, nodes, fleet);
          var strategy = new FedAvg(new FitConfig(1, 10, 0.1, 1), 1.0, nodes, 0.0);
          RoundCommit commit = new RoundCommit() {
            @Override
            public void begin(int round) {
              state.runs().startRound(run.id(), round);
            }

            @Override
            public void complete(RoundMetrics metrics, ParameterSet next) {
              try {
                state.runs().completeRound(run.id(), metrics, state.blobs().putModel(next));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          };
          new RoundEngine(strategy, remote, new RunConfig(rounds, nodes, Duration.ofMinutes(4), 1), Optional.empty(),
              e -> {
                if (e instanceof RunEvent.RoundFinished f) {
                  finished.add(f.metrics());
                  System.out.printf("load: %d nodes, %s, round %d: %d updates, %d failures, %.1f s, peak heap %.0f MiB%n",
                      nodes, model, f.metrics().round(), f.metrics().clients(), f.metrics().failures(),
                      f.metrics().seconds(), heap.peakBytes() / MIB);
                }
              }, commit).run(initial);
          remote.finish();
          assertThat(fleet.waitFor(2, TimeUnit.MINUTES)).as("the nodes stop when the run is over").isTrue();
        } finally {
          fleet.destroyForcibly();
        }
      }
    }
    assertThat(finished).hasSize(rounds).allSatisfy(m -> {
      assertThat(m.clients()).as("updates in round %d", m.round()).isEqualTo(nodes);
      assertThat(m.failures()).as("failures in round %d", m.round()).isZero();
      assertThat(m.aggregated()).isTrue();
    });
    // each node's update reached the engine exactly once in every round: none lost, none counted twice,
    // nothing late, failed or offline
    assertThat(accepted).hasSize(nodes * rounds);
    assertThat(accepted.values()).allSatisfy(n -> assertThat(n).hasValue(1));
    assertThat(otherOutcomes).isEmpty();
    // the aggregate streams: what stays live is O(model), far below the heap the coordinator was given
    long max = Runtime.getRuntime().maxMemory();
    System.out.printf("load: %d nodes, %s: peak heap %.0f MiB, most live after a collection %.0f MiB, max %.0f MiB%n",
        nodes, model, heap.peakBytes() / MIB, heap.maxAfterGcBytes() / MIB, max / MIB);
    assertThat(heap.maxAfterGcBytes()).isLessThan(max * 3 / 4);
  }

  private static void awaitNodes(RemoteClients remote, int nodes, Process fleet) throws InterruptedException {
    // not a speed check: only a guard against waiting for ever on nodes that cannot come
    long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (remote.available().size() < nodes) {
      assertThat(fleet.isAlive()).as("the node fleet is running").isTrue();
      assertThat(System.nanoTime()).as("%d of %d nodes registered", remote.available().size(), nodes)
          .isLessThan(giveUp);
      Thread.sleep(200);
    }
  }
}
