package dev.shoal.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.federation.RunStatus;
import dev.shoal.round.RemoteClients.Journal;
import dev.shoal.round.RemoteClients.Kind;
import dev.shoal.round.RemoteClients.Outcome;
import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RunEvent;
import dev.shoal.round.RunListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A coordinator's /metrics, served by a real endpoint, fed with the events and journal calls a run makes. */
class CoordinatorMetricsTest {

  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  final List<HttpEndpoint> endpoints = new java.util.ArrayList<>();

  @AfterEach
  void close() {
    endpoints.forEach(HttpEndpoint::close);
  }

  /** Metrics of run {@code name} on an endpoint of their own; returns the /metrics URL. */
  record Served(CoordinatorMetrics metrics, RunListener events, Journal journal, String url) {}

  Served serve(String name, int rounds) {
    LiveRun run = new LiveRun(name, rounds, () -> new RunStatus("", 0, 0, 0, "", List.of()), Optional.empty());
    CoordinatorMetrics metrics = new CoordinatorMetrics(run);
    HttpEndpoint http = HttpEndpoint.open("127.0.0.1", 0);
    endpoints.add(http);
    metrics.register(http, run);
    return new Served(metrics, metrics.events(), metrics.nodes(), http.url() + "/metrics");
  }

  @Test
  void theStateDirectorysFreeBytesAreAGauge(@org.junit.jupiter.api.io.TempDir java.nio.file.Path state) throws Exception {
    LiveRun run = new LiveRun("disk", 3, () -> new dev.shoal.federation.RunStatus("disk", 0, 3, 0, "waiting", java.util.List.of()), Optional.empty(), Optional.of(state));
    CoordinatorMetrics metrics = new CoordinatorMetrics(run);
    HttpEndpoint http = HttpEndpoint.open("127.0.0.1", 0);
    endpoints.add(http);
    metrics.register(http, run);
    Exposition e = Exposition.scrape(http.url() + "/metrics");
    assertThat(e.type("shoal_state_free_bytes")).contains("gauge");
    double free = e.value("shoal_state_free_bytes", "run", "disk");
    assertThat(free).isPositive().isLessThanOrEqualTo(java.nio.file.Files.getFileStore(state).getTotalSpace());
    // a coordinator without a state directory has no such gauge
    assertThat(Exposition.scrape(serve("nodisk", 3).url()).type("shoal_state_free_bytes")).isEmpty();
  }

  static RoundMetrics round(int round, int clients, int failures, double seconds, double accuracy, double loss,
      long up, long down, Map<String, Double> extra) {
    return new RoundMetrics(round, clients, failures, true, 0.5, loss, accuracy, up, down, seconds, "sha256:m" + round,
        extra);
  }

  @Test
  void roundsNodesUpdatesBytesAccuracyAndEpsilonAreExposedWithTheirTypes() throws Exception {
    Served s = serve("alpha", 5);
    RunListener events = s.events();
    Journal j = s.journal();
    events.on(new RunEvent.RunStarted("dp-fedavg", 5, 3, 100, "sha256:m0"));
    List.of("a", "b", "c").forEach(n -> j.online(n, T));
    events.on(new RunEvent.RoundStarted(1, 5, List.of("a", "b", "c")));
    j.outcome("a", Kind.FIT, 1, Outcome.ACCEPTED, null, T);
    j.outcome("b", Kind.FIT, 1, Outcome.ACCEPTED, null, T);
    j.outcome("c", Kind.FIT, 1, Outcome.FAILED, "out of memory", T);
    events.on(new RunEvent.ClientFailed(1, "c", "out of memory")); // counted once, as failed
    events.on(new RunEvent.ClientFailed(1, "b", "update holds NaN")); // accepted, then refused by the engine
    events.on(new RunEvent.RoundFinished(round(1, 1, 2, 1.5, 0.8, 0.6, 1000, 3000,
        Map.of("epsilon", 1.25, "delta", 1e-5)), 5, null));

    Exposition mid = Exposition.scrape(s.url());
    assertThat(mid.value("shoal_rounds_completed_total", "run", "alpha")).isEqualTo(1);
    assertThat(mid.value("shoal_current_round", "run", "alpha")).isEqualTo(1);

    events.on(new RunEvent.RoundStarted(2, 5, List.of("a", "b", "c")));
    j.outcome("a", Kind.FIT, 1, Outcome.DUPLICATE, null, T);
    j.outcome("c", Kind.FIT, 1, Outcome.LATE, null, T);
    j.outcome("d", Kind.FIT, 2, Outcome.NOT_INSTRUCTED, null, T);
    j.outcome("a", Kind.FIT, 2, Outcome.ACCEPTED, null, T);
    j.outcome("b", Kind.FIT, 2, Outcome.TIMED_OUT, "no answer before the round's deadline", T);
    j.offline("c", T);
    j.outcome("c", Kind.FIT, 2, Outcome.OFFLINE, "node went offline", T);
    j.outcome("a", Kind.EVALUATE, 2, Outcome.FAILED, "no test data", T); // not an update
    j.outcome("a", Kind.SECAGG, 2, Outcome.FAILED, "stage failed", T); // not an update either
    events.on(new RunEvent.ClientFailed(2, "b", "timed out after 600s"));
    events.on(new RunEvent.ClientFailed(2, "c", "node went offline"));
    events.on(new RunEvent.RoundFinished(round(2, 1, 2, 3.0, 0.9, 0.4, 500, 3000,
        Map.of("epsilon", 2.5, "delta", 1e-5)), 5, null));

    Exposition e = Exposition.scrape(s.url());
    assertThat(e.contentType()).startsWith("text/plain").contains("version=0.0.4");
    assertThat(e.type("shoal_rounds_completed_total")).contains("counter");
    assertThat(e.type("shoal_updates_accepted_total")).contains("counter");
    assertThat(e.type("shoal_updates_rejected_total")).contains("counter");
    assertThat(e.type("shoal_received_bytes_total")).contains("counter");
    assertThat(e.type("shoal_sent_bytes_total")).contains("counter");
    assertThat(e.type("shoal_round_duration_seconds")).contains("histogram");
    List.of("shoal_current_round", "shoal_planned_rounds", "shoal_nodes_online", "shoal_nodes_known",
        "shoal_test_accuracy", "shoal_test_loss", "shoal_train_loss", "shoal_dp_epsilon", "shoal_dp_delta")
        .forEach(g -> assertThat(e.type(g)).as(g).contains("gauge"));

    assertThat(e.value("shoal_rounds_completed_total", "run", "alpha")).isEqualTo(2);
    assertThat(e.value("shoal_current_round", "run", "alpha")).isEqualTo(2);
    assertThat(e.value("shoal_planned_rounds", "run", "alpha")).isEqualTo(5);
    assertThat(e.value("shoal_nodes_online", "run", "alpha")).isEqualTo(2);
    assertThat(e.value("shoal_nodes_known", "run", "alpha")).isEqualTo(3);
    assertThat(e.value("shoal_updates_accepted_total", "run", "alpha")).isEqualTo(2);
    assertThat(e.value("shoal_received_bytes_total", "run", "alpha")).isEqualTo(1500);
    assertThat(e.value("shoal_sent_bytes_total", "run", "alpha")).isEqualTo(6000);
    assertThat(e.value("shoal_test_accuracy", "run", "alpha")).isEqualTo(0.9);
    assertThat(e.value("shoal_test_loss", "run", "alpha")).isEqualTo(0.4);
    assertThat(e.value("shoal_train_loss", "run", "alpha")).isEqualTo(0.5);
    assertThat(e.value("shoal_dp_epsilon", "run", "alpha")).isEqualTo(2.5);
    assertThat(e.value("shoal_dp_delta", "run", "alpha")).isEqualTo(1e-5);

    Map<String, Double> rejected = new java.util.TreeMap<>();
    e.find("shoal_updates_rejected_total", "run", "alpha").forEach(x -> rejected.put(x.labels().get("reason"), x.value()));
    assertThat(rejected).containsExactlyInAnyOrderEntriesOf(Map.of("duplicate", 1.0, "late", 1.0,
        "not_instructed", 1.0, "failed", 1.0, "timed_out", 1.0, "offline", 1.0, "invalid", 1.0, "dropped", 0.0));

    assertThat(e.value("shoal_round_duration_seconds_count", "run", "alpha")).isEqualTo(2);
    assertThat(e.value("shoal_round_duration_seconds_sum", "run", "alpha")).isEqualTo(4.5);
    assertThat(e.value("shoal_round_duration_seconds_bucket", "run", "alpha", "le", "1.0")).isEqualTo(0);
    assertThat(e.value("shoal_round_duration_seconds_bucket", "run", "alpha", "le", "2.0")).isEqualTo(1);
    assertThat(e.value("shoal_round_duration_seconds_bucket", "run", "alpha", "le", "5.0")).isEqualTo(2);
    assertThat(e.value("shoal_round_duration_seconds_bucket", "run", "alpha", "le", "+Inf")).isEqualTo(2);

    assertThat(e.type("jvm_memory_used_bytes")).contains("gauge");
    assertThat(e.find("jvm_memory_used_bytes", "area", "heap")).hasSize(1);
  }

  @Test
  void aDroppedSecureAggregationParticipantIsCountedAsDropped() throws Exception {
    Served s = serve("secure", 3);
    s.journal().outcome("a", Kind.FIT, 1, Outcome.ACCEPTED, null, T);
    s.events().on(new RunEvent.ClientFailed(1, "a", "dropped from secure aggregation at unmasking: offline"));
    s.events().on(new RunEvent.ClientFailed(1, "a", "dropped from secure aggregation at unmasking: offline"));
    Exposition e = Exposition.scrape(s.url());
    assertThat(e.value("shoal_updates_rejected_total", "reason", "dropped")).isEqualTo(1);
    assertThat(e.value("shoal_updates_rejected_total", "reason", "invalid")).isZero();
  }

  @Test
  void roundResultsAreAbsentUntilARoundMeasuresThemAndEpsilonOnlyWithPrivacy() throws Exception {
    Served s = serve("plain", 3);
    Exposition before = Exposition.scrape(s.url());
    assertThat(before.has("shoal_test_accuracy")).isFalse();
    assertThat(before.has("shoal_dp_epsilon")).isFalse();
    assertThat(before.value("shoal_planned_rounds")).isEqualTo(3);
    assertThat(before.value("shoal_rounds_completed_total")).isZero();

    s.events().on(new RunEvent.RoundFinished(round(1, 2, 0, 0.2, 0.7, Double.NaN, 10, 20, Map.of()), 3, null));
    Exposition after = Exposition.scrape(s.url());
    assertThat(after.value("shoal_test_accuracy")).isEqualTo(0.7);
    assertThat(after.has("shoal_test_loss")).as("NaN means not measured").isFalse();
    assertThat(after.has("shoal_dp_epsilon")).isFalse();
  }

  @Test
  void twoCoordinatorsInOneJvmKeepTheirOwnRegistries() throws Exception {
    Served first = serve("first", 2);
    Served second = serve("second", 4);
    first.events().on(new RunEvent.RoundFinished(round(1, 2, 0, 1, 0.5, 0.5, 1, 1, Map.of()), 2, null));
    Exposition a = Exposition.scrape(first.url());
    Exposition b = Exposition.scrape(second.url());
    assertThat(a.value("shoal_rounds_completed_total", "run", "first")).isEqualTo(1);
    assertThat(b.value("shoal_rounds_completed_total", "run", "second")).isZero();
    assertThat(b.find("shoal_rounds_completed_total", "run", "first")).isEmpty();
    assertThat(a.has("jvm_threads_current")).isTrue();
    assertThat(b.has("jvm_threads_current")).isTrue();
  }

  @Test
  void openMetricsWhenAskedOtherPathsAndMethodsAreRefused() throws Exception {
    Served s = serve("formats", 1);
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<String> om = client.send(HttpRequest.newBuilder(URI.create(s.url()))
        .header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8").build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(om.statusCode()).isEqualTo(200);
    assertThat(om.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/openmetrics-text");
    assertThat(om.body()).contains("# TYPE shoal_rounds_completed counter").endsWith("# EOF\n");

    HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(s.url()))
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    HttpResponse<String> below = client.send(HttpRequest.newBuilder(URI.create(s.url() + "/x")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(below.statusCode()).isEqualTo(404);
  }
}
