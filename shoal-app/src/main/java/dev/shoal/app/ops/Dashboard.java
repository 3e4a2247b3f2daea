package dev.shoal.app.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.shoal.round.RemoteClients;
import dev.shoal.round.RunEvent;
import dev.shoal.round.RunListener;
import dev.shoal.transport.proto.NodeStatus;
import dev.shoal.transport.proto.StatusReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's live web dashboard: a page at {@code /} (run and round progress, accuracy and
 * loss curves, nodes, recent rejections, the ledger with verified inclusion proofs), its JSON at
 * {@code /api/state}, {@code /api/ledger} and {@code /api/ledger/proof?index=N}, and server-sent
 * events at {@code /api/events} that keep open pages current without reloading.
 *
 * <p>The engine's events and the clients' journal only update a small in-memory model and wake a
 * publisher thread, which builds the frames and offers them to each page's bounded queue; neither
 * ever waits for a page. Read-only: nothing served changes the run.
 */
public final class Dashboard implements OperationsPart {

  private static final Logger log = LoggerFactory.getLogger(Dashboard.class);
  /** The least time between two pushes of the run's status; bursts of events are merged. */
  static final Duration COALESCE = Duration.ofMillis(200);
  private static final Map<String, String> PAGES = Map.of(
      "/", "dashboard.html", "/dashboard.js", "dashboard.js", "/dashboard.css", "dashboard.css");
  private static final String SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  private final ObjectMapper json = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
  private final Clock clock = Clock.systemUTC();
  private final DashboardStream stream = new DashboardStream();
  private final Semaphore changed = new Semaphore(0);
  private volatile DashboardModel model = new DashboardModel(0);
  private volatile LiveRun run;
  private volatile DashboardLedger ledger;

  @Override
  public void register(HttpEndpoint http, LiveRun run) {
    this.run = run;
    this.model = new DashboardModel(run.totalRounds());
    this.ledger = new DashboardLedger(run.ledgerDir(), json);
    http.register("/", get(this::page));
    http.register("/api/state", get(exchange -> exact(exchange, "/api/state",
        () -> sendJson(exchange, 200, snapshot()))));
    http.register("/api/ledger", get(exchange -> exact(exchange, "/api/ledger",
        () -> sendJson(exchange, 200, ledger.list()))));
    http.register("/api/ledger/proof", get(exchange -> exact(exchange, "/api/ledger/proof",
        () -> sendJson(exchange, 200, ledger.proof(query(exchange, "index"))))));
    http.register("/api/events", get(exchange -> exact(exchange, "/api/events",
        () -> stream.serve(exchange, () -> DashboardStream.frame("snapshot", write(snapshot()))))));
    Thread.ofVirtual().name("dashboard-publisher").start(this::publish);
  }

  @Override
  public RunListener events() {
    return event -> {
      model.on(event, clock.instant());
      changed.release();
    };
  }

  @Override
  public RemoteClients.Journal nodes() {
    return new RemoteClients.Journal() {
      @Override
      public void online(String node, Instant at) {
        changed.release();
      }

      @Override
      public void offline(String node, Instant lastSeen) {
        changed.release();
      }

      @Override
      public void outcome(String node, RemoteClients.Kind kind, int round, RemoteClients.Outcome outcome,
          String reason, Instant at) {
        model.outcome(node, kind, round, outcome, reason, at);
        changed.release();
      }
    };
  }

  /** How many pages have the event stream open. */
  int pages() {
    return stream.clients();
  }

  /**
   * The publisher: after each change (at most one push per {@link #COALESCE}), the new round
   * points and rejections as events of their own, then the run's status; and a {@code ledger}
   * event when the ledger's log grew. It ends once the run has finished and no page is open.
   */
  private void publish() {
    int lastRound = Integer.MIN_VALUE;
    long lastRejection = 0;
    long ledgerBytes = -1;
    while (!Thread.currentThread().isInterrupted()) {
      try {
        boolean woken = changed.tryAcquire(1, TimeUnit.SECONDS);
        changed.drainPermits();
        DashboardModel m = model;
        for (DashboardModel.Point p : m.roundsAfter(lastRound)) {
          stream.publish(DashboardStream.frame("round", write(p)));
          lastRound = p.round();
        }
        for (DashboardModel.Rejection r : m.rejectionsAfter(lastRejection)) {
          stream.publish(DashboardStream.frame("rejection", write(r)));
          lastRejection = r.seq();
        }
        long bytes = ledgerBytes();
        if (bytes != ledgerBytes) {
          ledgerBytes = bytes;
          stream.publish(DashboardStream.frame("ledger", write(json.createObjectNode().put("bytes", bytes))));
        }
        if (woken && stream.clients() > 0) {
          stream.publish(DashboardStream.frame("status", write(status())));
        }
        if (m.progress().phase().equals("finished") && stream.clients() == 0) {
          return; // the run is over and everything was told; nobody is left to tell
        }
        Thread.sleep(COALESCE);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("dashboard update failed reason=\"{}\"", e.getMessage());
      }
    }
  }

  private long ledgerBytes() {
    return run.ledgerDir().map(d -> d.resolve("ledger.log")).map(f -> {
      try {
        return Files.size(f);
      } catch (IOException e) {
        return 0L;
      }
    }).orElse(0L);
  }

  /** {@code /api/state}: the status, every kept round point and the latest rejections. */
  ObjectNode snapshot() {
    ObjectNode out = status();
    out.set("rounds", json.valueToTree(model.rounds()));
    out.set("rejections", json.valueToTree(model.rejections()));
    return out;
  }

  /** The run, its round and its nodes, as {@code shoal status} reports them. */
  private ObjectNode status() {
    DashboardModel.Progress p = model.progress();
    ObjectNode out = json.createObjectNode();
    out.put("run", run.name());
    out.put("server_time", clock.millis());
    out.put("strategy", p.strategy());
    out.put("total_rounds", run.totalRounds());
    out.put("current_round", p.currentRound());
    out.put("sampled", p.sampled());
    if (p.roundStartedAt() == null) {
      out.putNull("round_started_at");
    } else {
      out.put("round_started_at", p.roundStartedAt());
    }
    out.put("stop_reason", p.stopReason());
    ArrayNode nodes = out.putArray("nodes");
    String state = p.phase();
    int completed = 0;
    try {
      StatusReply s = run.status().get();
      completed = s.getCompletedRounds();
      out.put("plaintext", s.getPlaintext());
      if (p.phase().equals("running")) {
        state = s.getState();
      }
      for (NodeStatus n : s.getNodesList()) {
        nodes.addObject().put("name", n.getName()).put("online", n.getOnline())
            .put("last_seen", n.getLastSeenEpochMillis()).put("rounds_contributed", n.getRoundsContributed());
      }
    } catch (RuntimeException e) {
      log.debug("run status unavailable reason=\"{}\"", e.getMessage());
    }
    out.put("state", state);
    out.put("completed_rounds", Math.max(completed, model.rounds().stream()
        .mapToInt(DashboardModel.Point::round).max().orElse(0)));
    return out;
  }

  private void page(HttpExchange exchange) throws IOException {
    String resource = PAGES.get(exchange.getRequestURI().getPath());
    if (resource == null) {
      sendJson(exchange, 404, error("no such page: " + exchange.getRequestURI().getPath()));
      return;
    }
    byte[] body;
    try (InputStream in = Dashboard.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the dashboard's " + resource + " is missing from the jar");
      }
      body = in.readAllBytes();
    }
    String type = resource.endsWith(".html") ? "text/html" : resource.endsWith(".js") ? "text/javascript" : "text/css";
    exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, body.length);
    try (var out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** What a handler does once its path is known to be exactly the one it serves. */
  @FunctionalInterface
  private interface Action {
    void run() throws IOException;
  }

  private void exact(HttpExchange exchange, String path, Action action) throws IOException {
    if (!exchange.getRequestURI().getPath().equals(path)) {
      sendJson(exchange, 404, error("no such resource: " + exchange.getRequestURI().getPath()));
      return;
    }
    try {
      action.run();
    } catch (DashboardLedger.Refusal e) {
      sendJson(exchange, e.status, error(e.getMessage()));
    } catch (IOException | UncheckedIOException e) {
      sendJson(exchange, 500, error("cannot read the run's ledger: " + e.getMessage()));
    }
  }

  /** Serves GET only, with the headers every dashboard response carries. */
  private HttpHandler get(HttpHandler handler) {
    return exchange -> {
      try (exchange) {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Security-Policy", SECURITY_POLICY);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        String method = exchange.getRequestMethod();
        if (!method.equals("GET")) {
          headers.set("Allow", "GET");
          sendJson(exchange, 405, error("the dashboard is read-only: " + method + " is not allowed, only GET"));
          return;
        }
        handler.handle(exchange);
      } catch (IOException | RuntimeException e) {
        log.debug("dashboard request failed path={} reason=\"{}\"", exchange.getRequestURI().getPath(), e.getMessage());
        throw e;
      }
    };
  }

  private ObjectNode error(String message) {
    return json.createObjectNode().put("error", message);
  }

  private void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    HttpEndpoint.respond(exchange, status, "application/json", write(body) + "\n");
  }

  private String write(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first value of query parameter {@code name}, or null. */
  static String query(HttpExchange exchange, String name) {
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null) {
      return null;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      if (key.equals(name)) {
        return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
