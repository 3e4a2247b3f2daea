package dev.shoal.app.ops;

import dev.shoal.round.RemoteClients;
import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RunEvent;
import dev.shoal.round.RunListener;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleSupplier;

/**
 * A coordinator's Prometheus metrics at {@code /metrics}: rounds, their duration, nodes online,
 * updates accepted and rejected by reason, bytes moved, the global model's test accuracy and
 * loss, ε spent under differential privacy, and the JVM's own metrics. Every Shoal metric carries
 * the run's name as label {@code run}. Each coordinator has a registry of its own, so several in
 * one JVM do not clash. docs/monitoring.md lists the metrics.
 */
public final class CoordinatorMetrics implements OperationsPart {

  /**
   * Why an update did not count, as label {@code reason} of {@code shoal_updates_rejected_total}:
   * the node's result was a duplicate, came after the round stopped waiting, answered no
   * instruction; the node reported failure, did not answer in time, went offline; the update
   * failed the coordinator's checks; the node dropped out of secure aggregation.
   */
  public static final List<String> REASONS =
      List.of("duplicate", "late", "not_instructed", "failed", "timed_out", "offline", "invalid", "dropped");

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter roundsCompleted;
  private final Counter updatesAccepted;
  private final Counter updatesRejected;
  private final Counter receivedBytes;
  private final Counter sentBytes;
  private final Histogram roundDuration;
  private final Set<String> online = ConcurrentHashMap.newKeySet();
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  /** Fits of the current rounds the transport accepted, as "round/node": a later failure is the engine's verdict. */
  private final Set<String> acceptedFits = ConcurrentHashMap.newKeySet();
  private volatile int plannedRounds;
  private volatile int currentRound;
  private volatile RoundMetrics last;

  private static double freeBytes(java.nio.file.Path dir) {
    try {
      return java.nio.file.Files.getFileStore(dir).getUsableSpace();
    } catch (java.io.IOException e) {
      return Double.NaN;
    }
  }

  /** The metrics of {@code run}, ready to hear its events before {@link #register}. */
  public CoordinatorMetrics(LiveRun run) {
    Labels labels = Labels.of("run", run.name());
    plannedRounds = run.totalRounds();
    JvmMetrics.builder().register(registry);
    roundsCompleted = Counter.builder().name("shoal_rounds_completed_total").constLabels(labels)
        .help("Rounds completed by this coordinator process (aggregated or not)").register(registry);
    roundDuration = Histogram.builder().name("shoal_round_duration_seconds").constLabels(labels)
        .help("Wall-clock time of a round: sampling, training, aggregation, evaluation and scoring")
        .classicOnly().classicUpperBounds(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800).register(registry);
    updatesAccepted = Counter.builder().name("shoal_updates_accepted_total").constLabels(labels)
        .help("Client updates folded into a global model").register(registry);
    updatesRejected = Counter.builder().name("shoal_updates_rejected_total").constLabels(labels).labelNames("reason")
        .help("Training results that did not count, by reason").register(registry);
    REASONS.forEach(updatesRejected::labelValues);
    receivedBytes = Counter.builder().name("shoal_received_bytes_total").constLabels(labels)
        .help("Bytes of updates the coordinator received from nodes").register(registry);
    sentBytes = Counter.builder().name("shoal_sent_bytes_total").constLabels(labels)
        .help("Bytes of global models the coordinator sent to nodes").register(registry);
    gauge("shoal_current_round", "The round in progress, or the last one", labels, () -> currentRound);
    gauge("shoal_planned_rounds", "Rounds the run is configured for", labels, () -> plannedRounds);
    gauge("shoal_nodes_online", "Nodes heard from within the liveness timeout", labels, online::size);
    gauge("shoal_nodes_known", "Nodes that registered since this coordinator started", labels, known::size);
    run.stateDir().ifPresent(dir -> gauge("shoal_state_free_bytes",
        "Bytes free for the coordinator in the file system of its state directory", labels, () -> freeBytes(dir)));
    lastRound("shoal_test_accuracy", "Test accuracy of the latest global model on the coordinator's data (0 to 1)",
        labels, RoundMetrics::testAccuracy);
    lastRound("shoal_test_loss", "Test loss of the latest global model on the coordinator's data", labels,
        RoundMetrics::testLoss);
    lastRound("shoal_train_loss", "Mean training loss the clients reported in the latest round", labels,
        RoundMetrics::trainLoss);
    lastRound("shoal_dp_epsilon", "Privacy spent so far: the epsilon of (epsilon, delta)-DP after the latest round",
        labels, m -> m.extra().getOrDefault("epsilon", Double.NaN));
    lastRound("shoal_dp_delta", "The delta of the reported (epsilon, delta)-DP", labels,
        m -> m.extra().getOrDefault("delta", Double.NaN));
  }

  private void gauge(String name, String help, Labels labels, DoubleSupplier value) {
    GaugeWithCallback.builder().name(name).help(help).constLabels(labels)
        .callback(cb -> cb.call(value.getAsDouble())).register(registry);
  }

  /** A gauge of the latest round's metrics; absent until a round has measured it. */
  private void lastRound(String name, String help, Labels labels, java.util.function.ToDoubleFunction<RoundMetrics> f) {
    GaugeWithCallback.builder().name(name).help(help).constLabels(labels).callback(cb -> {
      RoundMetrics m = last;
      if (m != null && !Double.isNaN(f.applyAsDouble(m))) {
        cb.call(f.applyAsDouble(m));
      }
    }).register(registry);
  }

  /** This coordinator's registry (the JVM's metrics included). */
  public PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public void register(HttpEndpoint http, LiveRun run) {
    http.register(MetricsPage.PATH, new MetricsPage(registry));
  }

  @Override
  public RunListener events() {
    return event -> {
      switch (event) {
        case RunEvent.RunStarted s -> plannedRounds = s.rounds();
        case RunEvent.RoundStarted s -> {
          currentRound = s.round();
          plannedRounds = s.totalRounds();
        }
        case RunEvent.ClientFailed f -> {
          // failures the transport saw (failed, timed out, offline) are counted as the journal hears them;
          // an update it accepted and the engine then refused is counted here
          if (acceptedFits.remove(f.round() + "/" + f.clientId())) {
            updatesRejected.labelValues(f.reason().startsWith("dropped from secure aggregation") ? "dropped" : "invalid")
                .inc();
          }
        }
        case RunEvent.RoundFinished r -> finished(r.metrics());
        case RunEvent.RunStopped s -> {}
        case RunEvent.RunFinished s -> {}
      }
    };
  }

  private void finished(RoundMetrics m) {
    roundsCompleted.inc();
    roundDuration.observe(m.seconds());
    updatesAccepted.inc(m.clients());
    receivedBytes.inc(m.bytesUp());
    sentBytes.inc(m.bytesDown());
    currentRound = m.round();
    last = m;
    acceptedFits.removeIf(key -> Integer.parseInt(key.substring(0, key.indexOf('/'))) <= m.round());
  }

  @Override
  public RemoteClients.Journal nodes() {
    return new RemoteClients.Journal() {
      @Override
      public void online(String node, Instant at) {
        known.add(node);
        online.add(node);
      }

      @Override
      public void offline(String node, Instant lastSeen) {
        online.remove(node);
      }

      @Override
      public void outcome(String node, RemoteClients.Kind kind, int round, RemoteClients.Outcome outcome,
          String reason, Instant at) {
        if (kind != RemoteClients.Kind.FIT) {
          return;
        }
        if (outcome == RemoteClients.Outcome.ACCEPTED) {
          acceptedFits.add(round + "/" + node);
        } else {
          updatesRejected.labelValues(outcome.name().toLowerCase(Locale.ROOT)).inc();
        }
      }
    };
  }
}
