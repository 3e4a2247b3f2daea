package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's Prometheus scrapes a real coordinator and two real nodes (processes on loopback) and
 * sees the rounds go by; promtool accepts deploy/prometheus, and Prometheus evaluates the
 * dashboard's queries and the alerting rules.
 */
class PrometheusIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final Duration RUN = Duration.ofMinutes(10);

  final List<Process> processes = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  @TempDir Path dir;

  @AfterEach
  void stopAll() {
    processes.forEach(Process::destroyForcibly);
  }

  @Test
  void prometheusSeesRoundsCompleteOnTheCoordinatorAndTrainingOnTheNodes() throws Exception {
    Path prometheusBinary = program("prometheus");
    Shoal.Result data = Shoal.run(dir, "data", "partition", "--clients", "2", "--seed", "3", "--out", "sites");
    assertThat(data.exitCode()).as(data.err()).isZero();

    int grpc = freePort();
    int coordinatorHttp = freePort();
    int[] nodeHttp = {freePort(), freePort()};
    int web = freePort();
    Path rules = dir.resolve("shoal-rules.yml");
    Files.copy(root().resolve("deploy/prometheus/shoal-rules.yml"), rules);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files: ["%s"]
        scrape_configs:
          - job_name: shoal-coordinator
            static_configs: [{targets: ["127.0.0.1:%d"]}]
          - job_name: shoal-nodes
            static_configs: [{targets: ["127.0.0.1:%d", "127.0.0.1:%d"]}]
        """.formatted(rules, coordinatorHttp, nodeHttp[0], nodeHttp[1]));
    Process prometheus = start("prometheus", new ProcessBuilder(prometheusBinary.toString(),
        "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
        "--web.listen-address=127.0.0.1:" + web));
    String api = "http://127.0.0.1:" + web;
    await("Prometheus ready on port " + web, Duration.ofMinutes(1), prometheus, "prometheus",
        () -> get(api + "/-/ready").statusCode() == 200);

    Process coordinator = shoal("coordinator", "coordinator", "--insecure", "--state-dir", "state",
        "--listen", "127.0.0.1:" + grpc, "--http", "127.0.0.1:" + coordinatorHttp, "--run-name", "watched",
        "--model", "logreg", "--rounds", "8", "--min-clients", "2", "--contribution", "off", "--seed", "3");
    for (int i = 0; i < 2; i++) {
      shoal("node-" + i, "node", "--insecure", "--name", "client-00" + i, "--coordinator", "127.0.0.1:" + grpc,
          "--data-path", dir.resolve("sites/client-00" + i).toString(), "--heartbeat-interval", "1",
          "--reconnect-max", "2", "--metrics", "127.0.0.1:" + nodeHttp[i]);
    }

    // the counter as Prometheus stored it, while the run goes on
    List<Double> seen = new ArrayList<>();
    long deadline = System.nanoTime() + RUN.toNanos();
    while (seen.size() < 3 && coordinator.isAlive() && System.nanoTime() < deadline) {
      JsonNode result = query(api, "shoal_rounds_completed_total{job=\"shoal-coordinator\", run=\"watched\"}");
      if (!result.isEmpty()) {
        double v = result.get(0).get("value").get(1).asDouble();
        if (seen.isEmpty() || v != seen.get(seen.size() - 1)) {
          seen.add(v);
        }
      }
      Thread.sleep(200);
    }
    assertThat(seen).as("values of shoal_rounds_completed_total Prometheus scraped while the run went on; "
        + "coordinator output: %s", output("coordinator")).hasSizeGreaterThanOrEqualTo(2).isSorted()
        .doesNotHaveDuplicates();

    System.out.printf("shoal_rounds_completed_total as Prometheus scraped it: %s%n", seen);

    // the nodes' metrics too, and the coordinator's gauges (a finished process no longer serves: its last values)
    await("both nodes' shoal_node_rounds_trained_total above 0 in Prometheus", Duration.ofMinutes(2), prometheus,
        "prometheus", () -> query(api, "last_over_time(shoal_node_rounds_trained_total[10m]) > 0").size() == 2);
    for (String metric : List.of("shoal_node_training_seconds_total", "shoal_node_received_bytes_total",
        "shoal_node_sent_bytes_total", "shoal_node_updates_submitted_total{verdict=\"accepted\"}")) {
      assertThat(query(api, "last_over_time(" + metric + "[10m]) > 0")).as("%s of both nodes", metric).hasSize(2);
    }
    JsonNode online = query(api, "last_over_time(shoal_nodes_known{run=\"watched\"}[10m])");
    assertThat(online.get(0).get("value").get(1).asDouble()).isEqualTo(2);
    assertThat(query(api, "last_over_time(shoal_planned_rounds{run=\"watched\"}[10m])").get(0).get("value").get(1).asDouble()).isEqualTo(8);

    // every query of the Grafana dashboard is valid PromQL to this Prometheus
    JsonNode dashboard = JSON.readTree(root().resolve("deploy/grafana/shoal-dashboard.json").toFile());
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        String expr = target.get("expr").asText().replace("$__rate_interval", "1m").replace("$run", ".*");
        HttpResponse<String> r = get(api + "/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as("query of panel '%s': %s -> %s", panel.get("title").asText(), expr, r.body())
            .isEqualTo(200);
      }
    }

    // the alerting rules are loaded and evaluate without error
    long alerts = Files.readAllLines(root().resolve("deploy/prometheus/shoal-rules.yml")).stream()
        .filter(line -> line.strip().startsWith("- alert:")).count();
    await("the rules of group 'shoal' evaluated without error", Duration.ofMinutes(1), prometheus, "prometheus",
        () -> {
          JsonNode groups = JSON.readTree(get(api + "/api/v1/rules").body()).get("data").get("groups");
          if (groups.isEmpty() || !groups.get(0).get("name").asText().equals("shoal")) {
            return false;
          }
          for (JsonNode rule : groups.get(0).get("rules")) {
            if (!rule.get("health").asText().equals("ok")) {
              return false;
            }
          }
          return groups.get(0).get("rules").size() == alerts;
        });

    assertThat(coordinator.waitFor(RUN.toMinutes(), TimeUnit.MINUTES)).as("the coordinator finishes its 8 rounds")
        .isTrue();
    assertThat(coordinator.exitValue()).as(output("coordinator")).isZero();
  }

  @Test
  void promtoolAcceptsTheConfigurationAndTheRulesAndTheirTestsPass() throws Exception {
    Path promtool = program("promtool");
    Path deploy = root().resolve("deploy/prometheus");
    for (List<String> check : List.of(List.of("check", "config", "prometheus.yml"),
        List.of("check", "rules", "shoal-rules.yml"), List.of("test", "rules", "shoal-rules.test.yml"))) {
      List<String> command = new ArrayList<>(List.of(promtool.toString()));
      command.addAll(check);
      Process p = new ProcessBuilder(command).directory(deploy.toFile()).redirectErrorStream(true).start();
      processes.add(p);
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("promtool %s finishes", check).isTrue();
      assertThat(p.exitValue()).as("promtool %s: %s", String.join(" ", check), out).isZero();
      assertThat(out).contains("SUCCESS");
    }
  }

  /** A program from Debian's prometheus package, or a failure that says it is missing. */
  static Path program(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(d, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    throw new AssertionError(name + " not found on PATH: install Debian's prometheus package "
        + "(scripts/test-packages.sh does, in the shoal-app build)");
  }

  static Path root() {
    String root = System.getProperty("shoal.root");
    if (root == null) {
      throw new AssertionError("system property shoal.root (the repository) is not set; run with 'mvn verify'");
    }
    return Path.of(root).toAbsolutePath().normalize();
  }

  Process shoal(String name, String... args) throws IOException {
    Process p = Shoal.start(dir, dir.resolve(name + ".out"), dir.resolve(name + ".err"), args);
    processes.add(p);
    return p;
  }

  Process start(String name, ProcessBuilder builder) throws IOException {
    Process p = builder.directory(dir.toFile()).redirectOutput(dir.resolve(name + ".out").toFile())
        .redirectError(dir.resolve(name + ".err").toFile()).start();
    processes.add(p);
    return p;
  }

  String output(String name) {
    try {
      return Files.readString(dir.resolve(name + ".out")) + Files.readString(dir.resolve(name + ".err"));
    } catch (IOException e) {
      return "(cannot read " + name + "'s output: " + e.getMessage() + ")";
    }
  }

  HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The result vector of an instant query; fails when Prometheus reports an error. */
  JsonNode query(String api, String promql) throws IOException, InterruptedException {
    HttpResponse<String> r = get(api + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("status").asText()).as("query %s: %s", promql, r.body()).isEqualTo("success");
    return body.get("data").get("result");
  }

  /** Polls {@code condition} until it holds; fails, naming {@code what}, when {@code within} passes or {@code p} dies. */
  void await(String what, Duration within, Process p, String name, Check condition) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError("waiting for " + what + ": " + name + " exited with " + p.exitValue() + ": "
            + output(name));
      }
      try {
        if (condition.holds()) {
          return;
        }
      } catch (IOException e) {
        // not answering yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no " + what + " within " + within.toSeconds() + "s; " + name + " said: " + output(name));
  }

  interface Check {
    boolean holds() throws Exception;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
