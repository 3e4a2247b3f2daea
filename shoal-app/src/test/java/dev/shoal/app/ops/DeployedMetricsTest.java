package dev.shoal.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.shoal.federation.RunStatus;
import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RunEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and the Prometheus rules in deploy/ ask only for metrics that a
 * coordinator or a node exposes, and the Prometheus configuration scrapes where they serve.
 */
class DeployedMetricsTest {

  /** A metric name in PromQL: Shoal's own, the JVM's and the process's; Prometheus's own {@code up} is not checked. */
  static final Pattern METRIC = Pattern.compile("\\b((?:shoal|jvm|process)_[a-zA-Z0-9_]*)\\b");
  static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Path deploy() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("deploy");
    assertThat(dir).as("the repository's deploy/ directory, next to shoal-app/").isDirectory();
    return dir;
  }

  /** Every sample name a coordinator (after a round with differential privacy) and a node expose. */
  static Set<String> exposed() throws Exception {
    LiveRun run = new LiveRun("r", 3, () -> new RunStatus("", 0, 0, 0, "", List.of()), Optional.empty(),
        Optional.of(java.nio.file.Files.createTempDirectory("state")));
    CoordinatorMetrics coordinator = new CoordinatorMetrics(run);
    Set<String> names = new TreeSet<>();
    try (HttpEndpoint http = HttpEndpoint.open("127.0.0.1", 0);
        NodeMetrics node = NodeMetrics.serve("n", "127.0.0.1", 0)) {
      coordinator.register(http, run);
      coordinator.nodes().online("n", Instant.now());
      coordinator.events().on(new RunEvent.RoundFinished(new RoundMetrics(1, 1, 0, true, 0.5, 0.4, 0.9, 10, 10, 1.0,
          "sha256:m", Map.of("epsilon", 1.0, "delta", 1e-5)), 3, null));
      names.addAll(Exposition.scrape(http.url() + "/metrics").names());
      names.addAll(Exposition.scrape(node.url().orElseThrow() + "/metrics").names());
    }
    return names;
  }

  static Set<String> metricsIn(String expr) {
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\""));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  static List<String> dashboardExprs() throws Exception {
    JsonNode dashboard = JSON.readTree(deploy().resolve("grafana/shoal-dashboard.json").toFile());
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      assertThat(panel.get("targets")).as("targets of panel '%s'", panel.get("title").asText()).isNotEmpty();
      panel.get("targets").forEach(t -> exprs.add(t.get("expr").asText()));
    }
    return exprs;
  }

  static List<String> ruleExprs() throws Exception {
    JsonNode rules = YAML.readTree(deploy().resolve("prometheus/shoal-rules.yml").toFile());
    List<String> exprs = new ArrayList<>();
    rules.get("groups").forEach(g -> g.get("rules").forEach(r -> exprs.add(r.get("expr").asText())));
    return exprs;
  }

  @Test
  void everyMetricTheDashboardAndTheRulesUseIsExposed() throws Exception {
    Set<String> exposed = exposed();
    List<String> exprs = new ArrayList<>(dashboardExprs());
    exprs.addAll(ruleExprs());
    Set<String> used = new TreeSet<>();
    for (String expr : exprs) {
      for (String name : metricsIn(expr)) {
        used.add(name);
        assertThat(exposed).as("metric %s of expression %s", name, expr).contains(name);
      }
    }
    assertThat(used).as("metrics the dashboard and rules use").contains("shoal_rounds_completed_total",
        "shoal_round_duration_seconds_bucket", "shoal_nodes_online", "shoal_test_accuracy", "shoal_test_loss",
        "shoal_updates_rejected_total", "shoal_received_bytes_total", "shoal_sent_bytes_total", "shoal_dp_epsilon",
        "jvm_memory_used_bytes", "shoal_node_training_seconds_total");
  }

  @Test
  void theDashboardHasItsPanelsAndARunVariable() throws Exception {
    JsonNode dashboard = JSON.readTree(deploy().resolve("grafana/shoal-dashboard.json").toFile());
    List<String> titles = new ArrayList<>();
    dashboard.get("panels").forEach(p -> titles.add(p.get("title").asText()));
    assertThat(titles).contains("Rounds completed", "Round duration", "Nodes online", "Test accuracy", "Loss",
        "Updates accepted and rejected", "Model traffic", "Privacy spent (ε)", "JVM heap");
    assertThat(dashboard.get("templating").get("list").get(0).get("name").asText()).isEqualTo("run");
    assertThat(dashboard.get("__inputs").get(0).get("name").asText()).isEqualTo("DS_PROMETHEUS");
  }

  @Test
  void thePrometheusConfigurationScrapesTheCoordinatorsDefaultAddressAndLoadsTheRules() throws Exception {
    JsonNode config = YAML.readTree(deploy().resolve("prometheus/prometheus.yml").toFile());
    assertThat(config.get("rule_files").get(0).asText()).isEqualTo("shoal-rules.yml");
    assertThat(Files.exists(deploy().resolve("prometheus/shoal-rules.yml"))).isTrue();
    JsonNode coordinator = null;
    for (JsonNode job : config.get("scrape_configs")) {
      assertThat(job.get("metrics_path").asText()).isEqualTo(MetricsPage.PATH);
      if (job.get("job_name").asText().equals("shoal-coordinator")) {
        coordinator = job;
      }
    }
    assertThat(coordinator).as("a shoal-coordinator scrape job").isNotNull();
    // the default of `shoal coordinator --http`
    assertThat(coordinator.get("static_configs").get(0).get("targets").get(0).asText()).isEqualTo("127.0.0.1:7471");
  }

  @Test
  void metricNamesAreFoundInPromql() {
    assertThat(metricsIn("sum by (run) (rate(shoal_sent_bytes_total{run=~\"shoal_x\"}[5m])) / up"))
        .containsExactly("shoal_sent_bytes_total");
  }
}
