package dev.shoal.app.ops;

import dev.shoal.data.Dataset;
import dev.shoal.node.Assignment;
import dev.shoal.node.CoordinatorLink;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Trainer;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A node's Prometheus metrics, served at {@code /metrics} only when {@code shoal node --metrics
 * HOST:PORT} asks for it (a node otherwise never listens): rounds trained, time spent training,
 * bytes of models received and updates sent, submissions by the coordinator's verdict, and the
 * JVM's own metrics. Every Shoal metric carries the node's name as label {@code node}. The node
 * is measured by wrapping its trainer and its link to the coordinator.
 */
public final class NodeMetrics implements AutoCloseable {

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Optional<HttpEndpoint> http;
  private final Counter roundsTrained;
  private final Counter trainingSeconds;
  private final Counter evaluations;
  private final Counter receivedBytes;
  private final Counter sentBytes;
  private final Counter submitted;
  private final Gauge lastRound;

  private NodeMetrics(String node, Optional<HttpEndpoint> http) {
    this.http = http;
    Labels labels = Labels.of("node", node);
    JvmMetrics.builder().register(registry);
    roundsTrained = Counter.builder().name("shoal_node_rounds_trained_total").constLabels(labels)
        .help("Local training jobs this node finished and submitted").register(registry);
    trainingSeconds = Counter.builder().name("shoal_node_training_seconds_total").constLabels(labels)
        .help("Wall-clock time this node spent in local training").register(registry);
    evaluations = Counter.builder().name("shoal_node_evaluations_total").constLabels(labels)
        .help("Evaluations of a global model on this node's test data").register(registry);
    receivedBytes = Counter.builder().name("shoal_node_received_bytes_total").constLabels(labels)
        .help("Bytes of global models this node took from the coordinator (safetensors size, once per model)")
        .register(registry);
    sentBytes = Counter.builder().name("shoal_node_sent_bytes_total").constLabels(labels)
        .help("Bytes of updates this node sent to the coordinator (safetensors size)").register(registry);
    submitted = Counter.builder().name("shoal_node_updates_submitted_total").constLabels(labels)
        .labelNames("verdict").help("Training results this node submitted, by the coordinator's verdict")
        .register(registry);
    lastRound = Gauge.builder().name("shoal_node_last_round").constLabels(labels)
        .help("The round this node last trained for").register(registry);
  }

  /** Metrics for {@code node} served on {@code host:port} (port 0 picks a free one). */
  public static NodeMetrics serve(String node, String host, int port) {
    HttpEndpoint http = HttpEndpoint.open(host, port);
    NodeMetrics metrics = new NodeMetrics(node, Optional.of(http));
    http.register(MetricsPage.PATH, new MetricsPage(metrics.registry));
    return metrics;
  }

  /** Metrics for {@code node} that no one can scrape: the node does not listen. */
  public static NodeMetrics unserved(String node) {
    return new NodeMetrics(node, Optional.empty());
  }

  /** Where the metrics are served, if they are. */
  public Optional<String> url() {
    return http.map(HttpEndpoint::url);
  }

  /** This node's registry (the JVM's metrics included). */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** {@code trainers}, measured. */
  public Function<ParameterSet, Trainer> trainers(Function<ParameterSet, Trainer> trainers) {
    return global -> new MeasuredTrainer(trainers.apply(global));
  }

  /** {@code link}, measured. */
  public CoordinatorLink link(CoordinatorLink link) {
    return new MeasuredLink(link);
  }

  @Override
  public void close() {
    http.ifPresent(HttpEndpoint::close);
  }

  private final class MeasuredTrainer implements Trainer {
    private final Trainer trainer;

    MeasuredTrainer(Trainer trainer) {
      this.trainer = trainer;
    }

    @Override
    public java.util.Set<String> understoodSettings() {
      return trainer.understoodSettings();
    }

    @Override
    public ParameterSet initialParameters(long seed) {
      return trainer.initialParameters(seed);
    }

    @Override
    public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config) {
      return fit(parameters, data, config, null);
    }

    @Override
    public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config, ParameterSet gradientShift) {
      long start = System.nanoTime();
      try {
        return trainer.fit(parameters, data, config, gradientShift);
      } finally {
        trainingSeconds.inc((System.nanoTime() - start) / 1e9);
      }
    }

    @Override
    public Evaluation evaluate(ParameterSet parameters, Dataset data) {
      Evaluation e = trainer.evaluate(parameters, data);
      evaluations.inc();
      return e;
    }
  }

  private final class MeasuredLink implements CoordinatorLink {
    private final CoordinatorLink link;
    private ContentId lastModel;

    MeasuredLink(CoordinatorLink link) {
      this.link = link;
    }

    @Override
    public void register(String node) throws IOException {
      link.register(node);
    }

    @Override
    public void heartbeat(String node) throws IOException {
      link.heartbeat(node);
    }

    @Override
    public Optional<Assignment> poll(String node) throws IOException {
      return link.poll(node);
    }

    @Override
    public ParameterSet model(ContentId id) throws IOException {
      ParameterSet model = link.model(id);
      synchronized (this) {
        if (!id.equals(lastModel)) {
          lastModel = id;
          receivedBytes.inc(Safetensors.encodedSize(model));
        }
      }
      return model;
    }

    @Override
    public String submitFit(String node, int round, ParameterSet update, long numExamples, Map<String, Double> metrics)
        throws IOException {
      String verdict = link.submitFit(node, round, update, numExamples, metrics);
      sentBytes.inc(Safetensors.encodedSize(update));
      return trained(round, verdict);
    }

    @Override
    public String submitHeldFit(String node, int round, long numExamples, Map<String, Double> metrics)
        throws IOException {
      return trained(round, link.submitHeldFit(node, round, numExamples, metrics));
    }

    private String trained(int round, String verdict) {
      roundsTrained.inc();
      lastRound.set(round);
      submitted.labelValues(verdict.toLowerCase(Locale.ROOT)).inc();
      return verdict;
    }

    @Override
    public String submitSecAgg(String node, int round, String stage, byte[] reply) throws IOException {
      String verdict = link.submitSecAgg(node, round, stage, reply);
      sentBytes.inc(reply.length);
      return verdict;
    }

    @Override
    public String submitEvaluation(String node, int round, Evaluation evaluation) throws IOException {
      return link.submitEvaluation(node, round, evaluation);
    }

    @Override
    public void fail(String node, Assignment assignment, String reason) throws IOException {
      link.fail(node, assignment, reason);
    }

    @Override
    public java.util.Optional<dev.shoal.federation.LedgerWitness.Offer> checkpoint(String node, long lastSize)
        throws IOException {
      return link.checkpoint(node, lastSize);
    }

    @Override
    public String cosign(String node, dev.shoal.federation.LedgerWitness.Cosignature cosignature) throws IOException {
      return link.cosign(node, cosignature);
    }
  }
}
