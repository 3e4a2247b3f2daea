package dev.shoal.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd units in {@code deploy/systemd}, checked by the real {@code systemd-analyze}: they
 * verify without a word, their sandbox scores an exposure below 2.0 of 10, and a unit with a typo'd
 * directive, a missing program or no sandbox is reported (so the checks can fail). The units'
 * {@code ExecStart} runs the launcher {@code deploy/systemd/shoal} (installed as /usr/bin/shoal),
 * so the copies checked here name the launcher at its place in a temporary directory; and that
 * launcher, over an installed layout ({@code SHOAL_HOME} with the jar and lib/), runs a real
 * coordinator from the units' job file {@code coordinator.yaml} with a kit laid out as the units'
 * {@code LoadCredential=} lines lay it out, and that coordinator answers {@code /healthz}.
 */
class SystemdUnitsIT {

  private static final Path REPO = Path.of(System.getProperty("shoal.root", "..")).toAbsolutePath().normalize();
  private static final Path UNITS = REPO.resolve("deploy/systemd");

  @TempDir Path tmp;
  private Path launcher;
  private final List<Process> started = new ArrayList<>();

  /** What a finished program printed (stdout and stderr together) and returned. */
  private record Run(int exit, String output) {}

  @BeforeEach
  void copyUnitsWithTheLauncherInPlace() throws IOException {
    launcher = tmp.resolve("bin/shoal");
    Files.createDirectories(launcher.getParent());
    Files.copy(UNITS.resolve("shoal"), launcher);
    assertThat(launcher.toFile().setExecutable(true)).isTrue();
    for (String unit : List.of("shoal-coordinator.service", "shoal-node@.service")) {
      String text = Files.readString(UNITS.resolve(unit));
      assertThat(text).as(unit + " runs /usr/bin/shoal").contains("ExecStart=/usr/bin/shoal ");
      Files.writeString(tmp.resolve(unit), text.replace("/usr/bin/shoal", launcher.toString()));
    }
  }

  @AfterEach
  void stopProcesses() {
    started.forEach(Process::destroyForcibly);
  }

  private static String systemdAnalyze() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
      Path p = Path.of(dir, "systemd-analyze");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new AssertionError("systemd-analyze is not installed: these tests need the Debian package systemd"
        + " (scripts/test-packages.sh installs it before the integration tests)");
  }

  private Run run(Map<String, String> env, String... command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(tmp, "out", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    started.add(p);
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      throw new AssertionError(String.join(" ", command) + " did not finish within 2 minutes");
    }
    return new Run(p.exitValue(), Files.readString(out));
  }

  private Run verify(String... units) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(systemdAnalyze(), "verify", "--man=no", "--generators=no"));
    for (String u : units) {
      command.add(tmp.resolve(u).toString());
    }
    return run(Map.of(), command.toArray(String[]::new));
  }

  private static double exposure(Run r, String unit) {
    Matcher m = Pattern.compile("Overall exposure level for " + Pattern.quote(unit) + ": (\\d+\\.\\d+)").matcher(r.output());
    assertThat(m.find()).as("systemd-analyze security printed an exposure level:\n" + r.output()).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void theUnitsVerifyWithoutWarnings() throws Exception {
    // the node is a template: verify an instance, which reads shoal-node@.service next to it
    Run r = verify("shoal-coordinator.service", "shoal-node@site-1.service");
    assertThat(r.output()).as("systemd-analyze verify output").isEmpty();
    assertThat(r.exit()).isZero();
  }

  @Test
  void theSandboxesExposeLittle() throws Exception {
    for (String unit : List.of("shoal-coordinator.service", "shoal-node@site-1.service")) {
      Run r = run(Map.of(), systemdAnalyze(), "security", "--offline=true", "--threshold=20", tmp.resolve(unit).toString());
      assertThat(r.exit()).as(unit + " exposure within 2.0:\n" + r.output()).isZero();
      assertThat(exposure(r, unit)).as(unit).isLessThan(2.0);
    }
  }

  @Test
  void verifyReportsATypoAMissingProgramAndSecurityAnUnsandboxedUnit() throws Exception {
    Files.writeString(tmp.resolve("typo.service"), Files.readString(tmp.resolve("shoal-coordinator.service"))
        .replace("NoNewPrivileges=yes", "NoNewPrivilege=yes"));
    Run typo = verify("typo.service");
    assertThat(typo.output()).contains("Unknown key 'NoNewPrivilege' in section [Service]");

    Files.writeString(tmp.resolve("missing.service"), Files.readString(tmp.resolve("shoal-coordinator.service"))
        .replace(launcher.toString(), tmp.resolve("bin/no-such-shoal").toString()));
    Run missing = verify("missing.service");
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.output()).contains("no-such-shoal is not executable");

    Files.writeString(tmp.resolve("plain.service"), "[Service]\nExecStart=" + launcher + " --version\n");
    Run plain = run(Map.of(), systemdAnalyze(), "security", "--offline=true", "--threshold=20", tmp.resolve("plain.service").toString());
    assertThat(plain.exit()).isNotZero();
    assertThat(exposure(plain, "plain.service")).isGreaterThan(5.0);
  }

  /** The launcher over an installed layout runs the coordinator of the unit, with its job file and credentials. */
  @Test
  void theLauncherRunsTheUnitsCoordinatorFromAnInstalledLayout() throws Exception {
    Path jar = Path.of(System.getProperty("shoal.jar", REPO.resolve("shoal-app/target/shoal.jar").toString()));
    assertThat(jar).as("shoal.jar, built by 'mvn package' before the integration tests").exists();
    Path home = Files.createDirectories(tmp.resolve("opt/shoal"));
    Files.copy(jar, home.resolve("shoal.jar"));
    Files.createSymbolicLink(home.resolve("lib"), jar.resolveSibling("lib"));
    Map<String, String> env = Map.of("SHOAL_HOME", home.toString(), "SHOAL_JAVA_HOME", System.getProperty("java.home"),
        "DJL_CACHE_DIR", tmp.resolve("cache/djl").toString());

    Run version = run(env, launcher.toString(), "--version");
    assertThat(version.exit()).as(version.output()).isZero();
    assertThat(version.output()).startsWith("shoal ");

    // the CA and a coordinator kit; then the kit as LoadCredential= copies it into $CREDENTIALS_DIRECTORY
    assertThat(run(env, launcher.toString(), "pki", "init", "--out", tmp.resolve("ca").toString()).exit()).isZero();
    Run issue = run(env, launcher.toString(), "pki", "issue", "--ca", tmp.resolve("ca").toString(), "--name", "coordinator",
        "--role", "coordinator", "--out", tmp.resolve("kits/coordinator").toString());
    assertThat(issue.exit()).as(issue.output()).isZero();
    Path credentials = Files.createDirectories(tmp.resolve("credentials"));
    for (String f : List.of("key.pem", "cert.pem", "ca.pem", "crl.pem")) {
      Files.copy(tmp.resolve("kits/coordinator").resolve(f), credentials.resolve(f));
    }
    Path state = tmp.resolve("state");
    Path out = tmp.resolve("coordinator.log");
    // the unit's ExecStart, with loopback ports of the system's choosing instead of the job file's fixed ones
    ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "coordinator", "--config", UNITS.resolve("coordinator.yaml").toString(),
        "--state-dir", state.toString(), "--kit", credentials.toString(), "--crl", tmp.resolve("kits/coordinator/crl.pem").toString(),
        "--listen", "127.0.0.1:0", "--http", "127.0.0.1:0")
        .directory(tmp.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().putAll(env);
    Process coordinator = pb.start();
    started.add(coordinator);

    Pattern url = Pattern.compile("metrics and dashboard at (http://127\\.0\\.0\\.1:\\d+)/");
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    Matcher m = url.matcher("");
    while (!m.find()) {
      assertThat(coordinator.isAlive()).as("the coordinator exited early:\n" + Files.readString(out)).isTrue();
      assertThat(Instant.now()).as("the coordinator printed its HTTP address within 2 minutes:\n" + Files.readString(out))
          .isBefore(deadline);
      Thread.sleep(200);
      m = url.matcher(Files.readString(out));
    }
    HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1) + "/healthz"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("ok\n");
    assertThat(Files.readString(out)).contains("coordinator listening on 127.0.0.1:");
    assertThat(state.resolve("state.db")).exists();
  }
}
