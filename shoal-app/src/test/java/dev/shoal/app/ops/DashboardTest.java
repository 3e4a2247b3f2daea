package dev.shoal.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.federation.NodeStatus;
import dev.shoal.federation.RunStatus;
import dev.shoal.ledger.Checkpoint;
import dev.shoal.ledger.Cosigner;
import dev.shoal.ledger.LedgerLog;
import dev.shoal.ledger.MerkleTree;
import dev.shoal.ledger.NoteSigner;
import dev.shoal.ledger.RoundCompleted;
import dev.shoal.ledger.RunStarted;
import dev.shoal.ledger.SignedNote;
import dev.shoal.round.RemoteClients;
import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RunEvent;
import dev.shoal.round.RunListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard on a real HTTP endpoint, fed engine events and journal outcomes, over a real ledger. */
class DashboardTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ODD_NAME = "<img src=x onerror=alert(1)>";
  private static final String MODEL = "sha256:" + "ab".repeat(32);
  private static final Instant COSIGNED = Instant.parse("2026-11-23T10:05:00Z");

  @TempDir Path dir;
  private HttpEndpoint http;
  private Dashboard dashboard;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws IOException {
    Path ledger = dir.resolve("ledger");
    writeLedger(ledger, 3);
    http = HttpEndpoint.open("127.0.0.1", 0);
    dashboard = new Dashboard();
    RunStatus status = new RunStatus("unit", 2, 5, 1, "running", List.of(
        new NodeStatus("site-a", true, Instant.ofEpochMilli(1_000), 2, Optional.empty()),
        new NodeStatus(ODD_NAME, false, Instant.ofEpochMilli(500), 0, Optional.empty())));
    dashboard.register(http, new LiveRun("unit", 5, () -> status, Optional.of(ledger)));
  }

  @AfterEach
  void stop() {
    http.close();
  }

  @Test
  void stateFollowsTheEngineAndTheNodes() throws Exception {
    RunListener events = dashboard.events();
    events.on(new RunEvent.RunStarted("fedavg", 5, 2, 10, MODEL));
    events.on(new RunEvent.RoundStarted(1, 5, List.of("site-a", ODD_NAME)));
    events.on(new RunEvent.RoundFinished(metrics(1, Double.NaN, 0.81), 5, null));
    events.on(new RunEvent.RoundStarted(2, 5, List.of("site-a")));

    JsonNode state = get("/api/state", 200);
    assertThat(state.path("run").asText()).isEqualTo("unit");
    assertThat(state.path("state").asText()).isEqualTo("running");
    assertThat(state.path("strategy").asText()).isEqualTo("fedavg");
    assertThat(state.path("current_round").asInt()).isEqualTo(2);
    assertThat(state.path("total_rounds").asInt()).isEqualTo(5);
    assertThat(state.path("sampled").asInt()).isEqualTo(1);
    assertThat(state.path("round_started_at").isNumber()).isTrue();
    JsonNode round = state.path("rounds").get(0);
    assertThat(round.path("round").asInt()).isEqualTo(1);
    assertThat(round.path("test_accuracy").asDouble()).isEqualTo(0.81);
    assertThat(round.path("train_loss").isNull()).as("NaN is not measured: null").isTrue();
    assertThat(round.path("model_id").asText()).isEqualTo(MODEL);
    assertThat(state.path("nodes").findValuesAsText("name")).containsExactly("site-a", ODD_NAME);
    assertThat(state.path("nodes").get(0).path("rounds_contributed").asInt()).isEqualTo(2);
    assertThat(state.path("nodes").get(1).path("online").asBoolean()).isFalse();

    events.on(new RunEvent.RunFinished(null, List.of(), 1.0));
    assertThat(get("/api/state", 200).path("state").asText()).isEqualTo("finished");
  }

  @Test
  void keepsTheLatestRejectionsFromBothSources() throws Exception {
    RemoteClients.Journal nodes = dashboard.nodes();
    Instant at = Instant.parse("2026-11-23T10:00:00Z");
    nodes.outcome("site-a", RemoteClients.Kind.FIT, 1, RemoteClients.Outcome.ACCEPTED, null, at);
    nodes.outcome("site-a", RemoteClients.Kind.FIT, 1, RemoteClients.Outcome.LATE, "the round stopped waiting", at);
    dashboard.events().on(new RunEvent.ClientFailed(1, ODD_NAME, "update has 3 tensors, the model 2"));

    JsonNode rejections = get("/api/state", 200).path("rejections");
    assertThat(rejections).hasSize(2);
    assertThat(rejections.get(0).path("outcome").asText()).isEqualTo("LATE");
    assertThat(rejections.get(0).path("kind").asText()).isEqualTo("FIT");
    assertThat(rejections.get(0).path("at").asLong()).isEqualTo(at.toEpochMilli());
    assertThat(rejections.get(1).path("node").asText()).isEqualTo(ODD_NAME);
    assertThat(rejections.get(1).path("kind").asText()).isEqualTo("ENGINE");
    assertThat(rejections.get(1).path("reason").asText()).isEqualTo("update has 3 tensors, the model 2");

    for (int i = 0; i < 70; i++) {
      nodes.outcome("site-b", RemoteClients.Kind.EVALUATE, 2, RemoteClients.Outcome.TIMED_OUT, "deadline " + i, at);
    }
    rejections = get("/api/state", 200).path("rejections");
    assertThat(rejections).hasSize(DashboardModel.REJECTIONS);
    assertThat(rejections.get(DashboardModel.REJECTIONS - 1).path("reason").asText()).isEqualTo("deadline 69");
  }

  @Test
  void listsTheLedgerUnderItsVerifiedCheckpoint() throws Exception {
    JsonNode ledger = get("/api/ledger", 200);
    assertThat(ledger.path("available").asBoolean()).isTrue();
    assertThat(ledger.path("origin").asText()).isEqualTo("shoal/unit");
    assertThat(ledger.path("size").asInt()).isEqualTo(4);
    assertThat(ledger.path("checkpoint").path("size").asInt()).isEqualTo(4);
    assertThat(ledger.path("checkpoint").path("signature_verified").asBoolean()).isTrue();
    assertThat(ledger.path("checkpoint").path("cosigned_by").findValuesAsText("name")).containsExactly("site-a");
    assertThat(ledger.path("checkpoint").path("cosigned_by").get(0).path("time").asLong())
        .isEqualTo(COSIGNED.toEpochMilli());
    assertThat(ledger.path("entries").findValuesAsText("type"))
        .containsExactly("run_started", "round_completed", "round_completed", "round_completed");
    assertThat(ledger.path("entries").get(2).path("round").asInt()).isEqualTo(2);
    assertThat(ledger.path("entries").get(2).path("model_id").asText()).isEqualTo(MODEL);
  }

  @Test
  void servesInclusionProofsThatVerify() throws Exception {
    HexFormat hex = HexFormat.of();
    for (int i = 0; i < 4; i++) {
      JsonNode p = get("/api/ledger/proof?index=" + i, 200);
      assertThat(p.path("inclusion_verified").asBoolean()).isTrue();
      assertThat(p.path("tree_size").asInt()).isEqualTo(4);
      byte[] leaf = MerkleTree.leafHash(p.path("entry").asText().getBytes(StandardCharsets.UTF_8));
      assertThat(hex.formatHex(leaf)).isEqualTo(p.path("leaf_hash").asText());
      List<byte[]> path = new ArrayList<>();
      p.path("inclusion_proof").forEach(h -> path.add(hex.parseHex(h.asText())));
      assertThat(MerkleTree.verifyInclusion(leaf, i, 4, path, hex.parseHex(p.path("root").asText()))).isTrue();
      assertThat(p.path("checkpoint").asText()).startsWith("shoal/unit\n4\n");
    }
  }

  @Test
  void refusesBadRequestsWithOneLine() throws Exception {
    assertThat(get("/api/ledger/proof", 400).path("error").asText()).isEqualTo("give the entry as ?index=N");
    assertThat(get("/api/ledger/proof?index=two", 400).path("error").asText())
        .isEqualTo("index must be a whole number, got 'two'");
    assertThat(get("/api/ledger/proof?index=4", 400).path("error").asText())
        .isEqualTo("index must be in 0..3 (the latest signed checkpoint covers 4 entries), got 4");
    assertThat(get("/api/ledger/proof?index=-1", 400).path("error").asText()).startsWith("index must be in 0..3");
    assertThat(get("/api/nothing", 404).path("error").asText()).isEqualTo("no such page: /api/nothing");
    assertThat(get("/api/state/more", 404).path("error").asText()).isEqualTo("no such resource: /api/state/more");
    HttpResponse<String> post = client.send(HttpRequest.newBuilder(uri("/api/state"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.body()).contains("the dashboard is read-only: POST is not allowed, only GET");
  }

  @Test
  void aRunWithoutLedgerSaysSo() throws Exception {
    try (HttpEndpoint other = HttpEndpoint.open("127.0.0.1", 0)) {
      new Dashboard().register(other, new LiveRun("bare", 1, () -> new RunStatus("", 0, 0, 0, "", List.of()), Optional.empty()));
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(other.url() + "/api/ledger")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(JSON.readTree(r.body()).path("available").asBoolean()).isFalse();
      r = client.send(HttpRequest.newBuilder(URI.create(other.url() + "/api/ledger/proof?index=0")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.body()).contains("this run keeps no ledger (--no-ledger)");
    }
  }

  @Test
  void servesThePageWithAPolicyThatLoadsNothingFromElsewhere() throws Exception {
    for (String page : List.of("/", "/dashboard.js", "/dashboard.css")) {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri(page)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(page).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("default-src 'none'");
      // the SVG namespace is a name, not an address
      assertThat(r.body().replace("http://www.w3.org/2000/svg", "")).doesNotContain("http://", "https://", "//fonts.");
    }
    String js = client.send(HttpRequest.newBuilder(uri("/dashboard.js")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertThat(js).as("data is shown as text, never parsed as HTML").doesNotContain("innerHTML", "insertAdjacentHTML",
        "document.write");
  }

  @Test
  void streamsASnapshotThenRoundsAndLetsGoOfClosedPages() throws Exception {
    HttpURLConnection c = (HttpURLConnection) uri("/api/events").toURL().openConnection();
    c.setReadTimeout(30_000);
    assertThat(c.getContentType()).startsWith("text/event-stream");
    BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
    assertThat(nextEvent(in)).isEqualTo("snapshot");
    await("the page to be counted", () -> dashboard.pages() == 1);

    dashboard.events().on(new RunEvent.RoundFinished(metrics(1, 0.5, 0.9), 5, null));
    String event;
    do {
      event = nextEvent(in);
    } while (!event.equals("round"));
    assertThat(in.readLine()).startsWith("data: {\"round\":1,");

    c.disconnect();
    int[] round = {2};
    await("the closed page to be dropped", () -> {
      dashboard.events().on(new RunEvent.RoundFinished(metrics(round[0]++, 0.5, 0.9), 5, null));
      return dashboard.pages() == 0;
    });
  }

  @Test
  void dropsAPageThatFallsBehindWithoutHoldingUpTheEngine() throws Exception {
    try (Socket slow = new Socket()) {
      slow.setReceiveBufferSize(4096);
      slow.connect(new InetSocketAddress("127.0.0.1", http.port()));
      OutputStream out = slow.getOutputStream();
      out.write("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      await("the slow page to be counted", () -> dashboard.pages() == 1);
      // the page never reads: its socket fills, then its queue, and the publisher lets it go
      Thread engine = Thread.ofPlatform().start(() -> {
        RunListener events = dashboard.events();
        RemoteClients.Journal nodes = dashboard.nodes();
        for (int r = 1; r <= 40_000; r++) {
          events.on(new RunEvent.RoundFinished(metrics(r, 0.5, 0.9), 40_000, null));
          nodes.outcome("site-a", RemoteClients.Kind.FIT, r, RemoteClients.Outcome.LATE, "late ".repeat(20), Instant.now());
        }
      });
      engine.join(Duration.ofMinutes(2));
      assertThat(engine.isAlive()).as("the engine's events returned while a page was not reading").isFalse();
      int[] round = {40_001};
      await("the slow page to be dropped", () -> {
        dashboard.events().on(new RunEvent.RoundFinished(metrics(round[0]++, 0.5, 0.9), 40_000, null));
        return dashboard.pages() == 0;
      });
    }
  }

  private static String nextEvent(BufferedReader in) throws IOException {
    String line;
    while ((line = in.readLine()) != null) {
      if (line.startsWith("event: ")) {
        return line.substring("event: ".length());
      }
    }
    throw new AssertionError("the event stream ended");
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited 60 s for " + what);
      }
      Thread.sleep(50);
    }
  }

  private static RoundMetrics metrics(int round, double trainLoss, double accuracy) {
    return new RoundMetrics(round, 2, 0, true, trainLoss, 0.4, accuracy, 100, 100, 0.5, MODEL, Map.of());
  }

  private URI uri(String path) {
    return URI.create(http.url() + path);
  }

  private JsonNode get(String path, int status) throws IOException, InterruptedException {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).isEqualTo("application/json");
    return JSON.readTree(r.body());
  }

  /** A run's ledger as the coordinator writes it: the log, its public key, a signed checkpoint per append. */
  private static void writeLedger(Path dir, int rounds) throws IOException {
    Files.createDirectories(dir.resolve("checkpoints"));
    String origin = Checkpoint.originFor("unit");
    NoteSigner signer = NoteSigner.generate(origin);
    Files.writeString(dir.resolve("log.pub"), signer.verifierKey() + "\n");
    try (LedgerLog log = LedgerLog.open(dir)) {
      append(log, signer, origin, dir, new RunStarted("unit", MODEL, "fedavg", Instant.parse("2026-11-23T10:00:00Z")));
      for (int r = 1; r <= rounds; r++) {
        append(log, signer, origin, dir, new RoundCompleted("unit", r, MODEL, List.of("site-a"), Map.of("site-a", MODEL),
            Map.of("test_accuracy", 0.9), Map.of(), Map.of(), Map.of("site-a", 1.0)));
      }
      // a node witnessing the ledger cosigns the latest checkpoint; its key is listed in cosigners
      Cosigner witness = Cosigner.generate("site-a");
      Path latest = dir.resolve("checkpoints").resolve(String.format(Locale.ROOT, "%012d.note", log.size()));
      SignedNote note = SignedNote.parse(Files.readString(latest));
      Files.writeString(latest, note.withSignature(witness.cosign(log.checkpoint(origin), COSIGNED)).encode());
      Files.writeString(dir.resolve("cosigners"), witness.verifierKey() + "\n");
    }
  }

  private static void append(LedgerLog log, NoteSigner signer, String origin, Path dir,
      dev.shoal.ledger.LedgerEntry entry) throws IOException {
    log.append(entry.toJson());
    Files.writeString(dir.resolve("checkpoints").resolve(String.format(Locale.ROOT, "%012d.note", log.size())),
        log.checkpoint(origin).sign(signer).encode());
  }
}
