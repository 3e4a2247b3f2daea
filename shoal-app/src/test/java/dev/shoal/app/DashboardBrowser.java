package dev.shoal.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * Debian's headless Chromium, driven through Debian's chromedriver over the W3C WebDriver
 * protocol (plain HTTP and JSON, nothing downloaded). Fails, naming what is missing, when either
 * program is not installed.
 */
final class DashboardBrowser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process driver;
  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private String session;

  private DashboardBrowser(Process driver, String base) {
    this.driver = driver;
    this.base = base;
  }

  /** Starts chromedriver on a free loopback port and a headless Chromium session in it. */
  static DashboardBrowser start(Path log) throws IOException, InterruptedException {
    for (Path program : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(program)) {
        throw new AssertionError(program + " is missing: the dashboard test drives Debian's chromium and chromedriver"
            + " packages (scripts/test-packages.sh installs them; apt-get install chromium chromium-driver)");
      }
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    DashboardBrowser b = new DashboardBrowser(driver, "http://127.0.0.1:" + port);
    try {
      b.awaitDriver(log);
      b.newSession();
      return b;
    } catch (IOException | RuntimeException | Error | InterruptedException e) {
      b.close();
      throw e;
    }
  }

  private void awaitDriver(Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (!driver.isAlive()) {
        throw new AssertionError("chromedriver exited with " + driver.exitValue() + ": " + Files.readString(log));
      }
      try {
        if (call("GET", "/status", null).path("ready").asBoolean()) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("chromedriver did not become ready in 30 s: " + Files.readString(log));
  }

  private void newSession() throws IOException, InterruptedException {
    ObjectNode caps = JSON.createObjectNode();
    ObjectNode always = caps.putObject("capabilities").putObject("alwaysMatch");
    always.put("browserName", "chrome");
    ObjectNode chrome = always.putObject("goog:chromeOptions");
    chrome.put("binary", CHROMIUM.toString());
    var args = chrome.putArray("args");
    // Every request that is not to loopback goes to a closed port: the page must need nothing else.
    List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1700",
        "--no-first-run", "--no-default-browser-check", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--proxy-server=http://127.0.0.1:9").forEach(args::add);
    session = call("POST", "/session", caps).path("sessionId").asText(null);
    if (session == null) {
      throw new AssertionError("chromedriver started no session");
    }
  }

  void open(String url) throws IOException, InterruptedException {
    call("POST", path("/url"), JSON.createObjectNode().put("url", url));
  }

  /** Runs {@code script} (a function body, use {@code return}) in the page and returns its value. */
  JsonNode script(String script) throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode().put("script", script);
    body.putArray("args");
    return call("POST", path("/execute/sync"), body);
  }

  /** Clicks the first element matching {@code css} as a user would. */
  void click(String css) throws IOException, InterruptedException {
    // the page re-renders its tables on live updates, so an element found a moment ago may be
    // gone by the time it is clicked: find it again, a few times at most
    for (int attempt = 1; ; attempt++) {
      JsonNode element = call("POST", path("/element"), JSON.createObjectNode().put("using", "css selector").put("value", css));
      String id = element.elements().next().asText();
      try {
        call("POST", path("/element/" + id + "/click"), JSON.createObjectNode());
        return;
      } catch (AssertionError e) {
        if (attempt == 5 || !String.valueOf(e.getMessage()).contains("stale element")) {
          throw e;
        }
      }
    }
  }

  /** The page as PNG. */
  void screenshot(Path png) throws IOException, InterruptedException {
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.write(png, Base64.getDecoder().decode(call("GET", path("/screenshot"), null).asText()));
  }

  private String path(String suffix) {
    return "/session/" + session + suffix;
  }

  private JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    req.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (body != null) {
      req.header("Content-Type", "application/json; charset=utf-8");
    }
    HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = JSON.readTree(res.body());
    if (res.statusCode() != 200) {
      throw new AssertionError("WebDriver " + method + " " + path + " failed (" + res.statusCode() + "): "
          + json.path("value").path("message").asText(res.body()));
    }
    return json.path("value");
  }

  @Override
  public void close() {
    try {
      if (session != null) {
        call("DELETE", path(""), null);
      }
    } catch (IOException | RuntimeException | Error e) {
      // the driver is killed below anyway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      driver.descendants().forEach(ProcessHandle::destroyForcibly);
      driver.destroyForcibly();
    }
  }
}
