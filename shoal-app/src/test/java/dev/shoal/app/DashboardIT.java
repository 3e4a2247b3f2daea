package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's dashboard in Debian's headless Chromium while a federation runs over gRPC:
 * the accuracy curve gains points and the node table's contribution counts grow without the page
 * being reloaded, a ledger entry's inclusion proof verifies in the page, and a killed node turns
 * offline and its lost work shows up among the rejections, its name shown as text.
 */
class DashboardIT {

  private static final Pattern URL = Pattern.compile("metrics and dashboard at (http://127\\.0\\.0\\.1:\\d+)/");
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final Path SCREENSHOT = Path.of("target", "dashboard-it.png");

  /** A node name that would run script if the page ever set it as HTML. */
  /** Node names follow the PKI's grammar; a run name is the operator's free text, shown as text. */
  private static final String ODD_RUN = "<img/src=x/onerror=window.shoalInjected=1>";

  @TempDir Path dir;
  private Process shoal;
  private DashboardBrowser browser;
  private final List<Process> nodes = new ArrayList<>();
  private int grpc;

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.close();
    }
    nodes.forEach(Process::destroyForcibly);
    if (shoal != null) {
      shoal.descendants().forEach(ProcessHandle::destroyForcibly);
      shoal.destroyForcibly();
    }
  }

  @Test
  void pageFollowsTheRunLive() throws Exception {
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    // many short rounds: the run outlasts the test, which stops it
    shoal = Shoal.start(dir, out, err, "simulate", "--model", "logreg", "--clients", "4", "--rounds", "500",
        "--seed", "5", "--transport", "grpc", "--out", "run");
    String url = awaitUrl(out, err);
    browser = DashboardBrowser.start(dir.resolve("chromedriver.log"));
    browser.open(url + "/");
    browser.script("window.shoalNotReloaded = true; return true;");

    await("the accuracy curve to show 2 rounds", () -> points() >= 2, out);
    int points = points();
    long contributed = contributed();
    await("the accuracy curve to gain 3 more rounds and the nodes' contributions to grow (had " + points
        + " points, " + contributed + " contributions)", () -> points() >= points + 3 && contributed() > contributed, out);

    assertThat(browser.script("return window.shoalNotReloaded === true;").asBoolean())
        .as("the page changed without being reloaded").isTrue();
    browser.screenshot(SCREENSHOT);
    assertThat(text("#run-name")).isEqualTo("simulation");
    assertThat(text("#run-state")).isEqualTo("running");
    assertThat(text("#connection")).isEqualTo("live");
    assertThat(text("#total-rounds")).isEqualTo("500");
    assertThat(browser.script("return [...document.querySelectorAll('#nodes tbody tr td:first-child')]"
        + ".map(td => td.textContent).join(',');").asText())
        .isEqualTo("client-000,client-001,client-002,client-003");
    assertThat(browser.script("return [...document.querySelectorAll('#accuracy-chart text.label')]"
        + ".map(t => t.textContent).join(',');").asText()).isEqualTo("round,test accuracy");

    // a round's ledger entry, its inclusion proof checked by the page against the signed checkpoint
    await("the ledger to list a round", () -> count("#ledger-entries tbody tr[data-index='1']") == 1, out);
    browser.click("#ledger-entries tbody tr[data-index='1']");
    await("the proof of entry 1 to be checked", () -> !browser.script(
        "return document.getElementById('proof').dataset.verified || '';").asText().isEmpty(), out);
    String proof = text("#proof");
    assertThat(proof).contains("Entry 1", "\"type\":\"round_completed\"",
        "inclusion proof verified in this page", "checkpoint signature verified in this page");
    assertThat(browser.script("return document.getElementById('proof').dataset.verified;").asText()).isEqualTo("true");

    // everything the page loaded came from the coordinator
    JsonNode resources = browser.script("return performance.getEntriesByType('resource').map(r => r.name);");
    assertThat(resources).isNotEmpty();
    resources.forEach(r -> assertThat(r.asText()).startsWith(url + "/"));

    browser.screenshot(SCREENSHOT); // again, with the proof shown
    assertThat(Files.size(SCREENSHOT)).isPositive();
    assertThat(shoal.isAlive()).as("the run was still going while the page was checked").isTrue();
  }

  @Test
  void coordinatorPageShowsNodesComeAndGoAndTheRunNameAsText() throws Exception {
    Shoal.Result partition = Shoal.run(dir, "data", "partition", "--clients", "2", "--seed", "7", "--out", "sites");
    assertThat(partition.exitCode()).as(partition.err()).isZero();
    grpc = FederationIT.freePort();
    int web = FederationIT.freePort();
    Path out = dir.resolve("coordinator.out");
    shoal = Shoal.start(dir, out, dir.resolve("coordinator.err"), "coordinator", "--insecure", "--state-dir", "state",
        "--listen", "127.0.0.1:" + grpc, "--http", "127.0.0.1:" + web, "--run-name", ODD_RUN, "--model", "logreg",
        "--rounds", "500", "--min-clients", "1", "--heartbeat-interval", "1", "--liveness-timeout", "4");
    assertThat(awaitUrl(out, dir.resolve("coordinator.err"))).isEqualTo("http://127.0.0.1:" + web);
    node("site-a", "sites/client-000");
    Process odd = node("site-b", "sites/client-001");
    browser = DashboardBrowser.start(dir.resolve("chromedriver.log"));
    browser.open("http://127.0.0.1:" + web + "/");
    browser.script("window.shoalNotReloaded = true; return true;");

    await("both nodes to be listed online", () -> nodeRows().equals("site-a online|site-b online"), out);
    await("a round to finish", () -> points() >= 1, out);
    odd.destroyForcibly();
    await("the killed node to be shown offline", () -> nodeRows().equals("site-a online|site-b offline"), out);
    await("the killed node's work to be listed as rejected", () -> rejectedNodes().contains("site-b"), out);

    assertThat(browser.script("return window.shoalNotReloaded === true;").asBoolean()).isTrue();
    assertThat(text("#run-name")).isEqualTo(ODD_RUN);
    assertThat(browser.script("return window.shoalInjected === undefined"
        + " && document.querySelectorAll('main img').length === 0;").asBoolean())
        .as("the run's name is shown as text, never run as markup").isTrue();
    browser.screenshot(Path.of("target", "dashboard-it-coordinator.png"));
  }

  private Process node(String name, String data) throws IOException {
    Process p = Shoal.start(dir, dir.resolve("node-" + nodes.size() + ".out"), dir.resolve("node-" + nodes.size() + ".err"),
        "node", "--coordinator", "127.0.0.1:" + grpc, "--insecure", "--name", name, "--data-path",
        dir.resolve(data).toString(), "--heartbeat-interval", "1", "--reconnect-max", "2");
    nodes.add(p);
    return p;
  }

  /** The node table's rows as "name status", sorted, joined by '|'. */
  private String nodeRows() throws IOException, InterruptedException {
    return browser.script("return [...document.querySelectorAll('#nodes tbody tr')]"
        + ".map(tr => tr.cells[0].textContent + ' ' + tr.cells[1].textContent).sort().join('|');").asText();
  }

  private String rejectedNodes() throws IOException, InterruptedException {
    return browser.script("return [...document.querySelectorAll('#rejections tbody tr')]"
        + ".map(tr => tr.cells[1].textContent).join('|');").asText();
  }

  private int points() throws IOException, InterruptedException {
    return browser.script("return Number(document.getElementById('accuracy-chart').dataset.points || 0);").asInt();
  }

  private long contributed() throws IOException, InterruptedException {
    return browser.script("return [...document.querySelectorAll('#nodes td.contributed')]"
        + ".reduce((n, td) => n + Number(td.textContent), 0);").asLong();
  }

  private int count(String css) throws IOException, InterruptedException {
    return browser.script("return document.querySelectorAll(\"" + css.replace("\"", "\\\"") + "\").length;").asInt();
  }

  private String text(String css) throws IOException, InterruptedException {
    return browser.script("return document.querySelector(\"" + css + "\").textContent;").asText();
  }

  /** What must become true, checked every 200 ms. */
  @FunctionalInterface
  private interface Condition {
    boolean holds() throws IOException, InterruptedException;
  }

  private void await(String what, Condition condition, Path out) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.holds()) {
        return;
      }
      if (!shoal.isAlive()) {
        throw new AssertionError("shoal exited (" + shoal.exitValue() + ") while waiting for " + what + ": "
            + tail(out));
      }
      Thread.sleep(200);
    }
    browser.screenshot(SCREENSHOT);
    throw new AssertionError("waited " + WAIT.toMinutes() + " min for " + what + " (page in " + SCREENSHOT
        + "); shoal printed: " + tail(out));
  }

  private String awaitUrl(Path out, Path err) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = URL.matcher(Files.readString(out, StandardCharsets.UTF_8));
      if (m.find()) {
        return m.group(1);
      }
      if (!shoal.isAlive()) {
        throw new AssertionError("shoal exited (" + shoal.exitValue() + ") before printing the dashboard's URL: "
            + tail(out) + tail(err));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("shoal printed no 'metrics and dashboard at' line in " + WAIT.toMinutes() + " min: "
        + tail(out) + tail(err));
  }

  private static String tail(Path file) throws IOException {
    String s = Files.readString(file, StandardCharsets.UTF_8);
    return s.length() > 2000 ? "…" + s.substring(s.length() - 2000) : s;
  }
}
