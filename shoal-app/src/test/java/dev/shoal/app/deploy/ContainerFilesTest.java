package dev.shoal.app.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shoal.app.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The files no container engine or systemd runs here, kept correct by construction and checked
 * against the code: the Dockerfile copies every module the reactor reads and builds, runs as a
 * fixed non-root user on a Java 21 runtime with the launcher, and exposes and health-checks the
 * coordinator's default ports; compose.yaml's command lines parse as shoal's, its nodes dial the
 * coordinator's service and port, its kits, data and job file are mounted where the commands look;
 * the systemd units' command lines, with the settings of their example files, parse too; and every
 * job file's keys are options of {@code shoal coordinator}.
 */
class ContainerFilesTest {

  private static final Path REPO = repository();
  private static final Path DOCKER = REPO.resolve("deploy/docker");

  private static Path repository() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("deploy/docker"))) {
        return p;
      }
    }
    throw new IllegalStateException("no deploy/docker in " + Path.of("").toAbsolutePath() + " or above it");
  }

  /** Parses {@code args} as the shoal command line does; returns the subcommand's parse result. */
  private static CommandLine.ParseResult parse(String where, List<String> args) {
    try {
      CommandLine.ParseResult r = new CommandLine(new Main()).parseArgs(args.toArray(String[]::new)).subcommand();
      assertThat(r).as(where + ": names a shoal command").isNotNull();
      return r;
    } catch (CommandLine.ParameterException e) {
      throw new AssertionError(where + ": " + args + " does not parse as a shoal command line: " + e.getMessage(), e);
    }
  }

  private static String value(CommandLine.ParseResult r, String option) {
    assertThat(r.hasMatchedOption(option)).as(r.commandSpec().name() + " " + option).isTrue();
    return r.matchedOption(option).getValue().toString();
  }

  private static int port(String hostPort) {
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  /** The default of {@code shoal coordinator}'s option, e.g. 127.0.0.1:7470 for --listen. */
  private static String coordinatorDefault(String option) {
    return new CommandLine(new Main()).getSubcommands().get("coordinator").getCommandSpec().findOption(option).defaultValue();
  }

  /** The keys of a job file, each of which must be an option of shoal coordinator. */
  private static void assertJobFile(String where, String text) throws IOException {
    List<String> options = new CommandLine(new Main()).getSubcommands().get("coordinator").getCommandSpec().options()
        .stream().map(o -> o.longestName().replaceFirst("^--", "")).toList();
    JsonNode job = Manifest.YAML.readTree(text);
    assertThat(job.isObject()).as(where + " is a mapping").isTrue();
    for (Iterator<String> it = job.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      assertThat(options).as(where + ": key '" + key + "' is an option of shoal coordinator").contains(key);
    }
  }

  @Test
  void theDockerfileBuildsEveryModuleTheAppNeedsAndRunsItAsAUser() throws IOException {
    String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
    String parent = Files.readString(REPO.resolve("pom.xml"));
    List<String> copies = new ArrayList<>();
    Matcher copy = Pattern.compile("(?m)^COPY (?!--from)(?:--chmod=\\S+ )?(\\S+) (\\S+)$").matcher(dockerfile);
    while (copy.find()) {
      copies.add(copy.group(1));
      assertThat(REPO.resolve(copy.group(1))).as("Dockerfile: COPY source " + copy.group(1)).exists();
    }
    Matcher module = Pattern.compile("<module>([^<]+)</module>").matcher(parent);
    while (module.find()) {
      assertThat(copies).as("Dockerfile: the reactor reads module " + module.group(1) + "'s pom")
          .containsAnyOf(module.group(1), module.group(1) + "/pom.xml");
    }
    Matcher dependency = Pattern.compile("<groupId>dev\\.shoal</groupId>\\s*<artifactId>([^<]+)</artifactId>")
        .matcher(Files.readString(REPO.resolve("shoal-app/pom.xml")).split("<dependencies>", 2)[1]);
    while (dependency.find()) {
      assertThat(copies).as("Dockerfile: shoal-app needs all of " + dependency.group(1)).contains(dependency.group(1));
    }
    assertThat(copies).contains("shoal-app", "pom.xml", "deploy/systemd/shoal");

    String runtime = dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
    assertThat(runtime).as("the last stage").containsPattern("FROM eclipse-temurin:21-jre\\S*\n")
        .contains("COPY --from=build /opt/shoal /opt/shoal")
        .containsPattern("(?m)^USER 10001:10001$")
        .containsPattern("(?m)^VOLUME /var/lib/shoal$")
        .contains("DJL_OFFLINE=true")
        .containsPattern("(?m)^ENTRYPOINT \\[\"/usr/bin/shoal\"\\]$");
    assertThat(runtime).doesNotContain("mvn");
    int grpc = port(coordinatorDefault("--listen"));
    int http = port(coordinatorDefault("--http"));
    assertThat(runtime).containsPattern("(?m)^EXPOSE " + grpc + " " + http + "$")
        .contains("http://127.0.0.1:" + http + "/healthz");
    assertThat(Files.readString(DOCKER.resolve("Dockerfile.dockerignore"))).contains("**/target/", "deploy/docker/kits/");
  }

  @Test
  void composeRunsACoordinatorAndNodesThatFindEachOther() throws IOException {
    JsonNode compose = Manifest.YAML.readTree(DOCKER.resolve("compose.yaml").toFile());
    JsonNode services = compose.path("services");
    Map<String, CommandLine.ParseResult> commands = new HashMap<>();
    for (Map.Entry<String, JsonNode> s : services.properties()) {
      List<String> args = new ArrayList<>();
      s.getValue().path("command").forEach(a -> args.add(a.asText()));
      commands.put(s.getKey(), parse("compose.yaml: services." + s.getKey() + ".command", args));
    }
    for (Map.Entry<String, JsonNode> s : services.properties()) {
      String where = "compose.yaml: services." + s.getKey();
      CommandLine.ParseResult r = commands.get(s.getKey());
      assertThat(s.getValue().path("image").asText()).as(where + ".image").startsWith("shoal:");
      if (s.getValue().path("read_only").asBoolean()) {
        // a read-only container writes only to volumes and tmpfs; /tmp must allow loading native libraries
        assertThat(s.getValue().path("tmpfs").toString()).as(where + ".tmpfs").contains("/tmp:exec");
      }
      Map<String, String> mounts = new HashMap<>();
      for (JsonNode v : s.getValue().path("volumes")) {
        String[] parts = v.asText().split(":");
        mounts.put(parts[1], parts[0]);
        if (parts[0].startsWith("./")) {
          assertThat(parts).as(where + ".volumes " + v.asText() + " read-only").hasSize(3);
          assertThat(parts[2]).isEqualTo("ro");
        } else {
          assertThat(compose.path("volumes").has(parts[0])).as(where + ".volumes: named volume " + parts[0] + " declared").isTrue();
        }
      }
      assertThat(mounts.get(value(r, "--kit"))).as(where + ": the kit is ./kits/<service>").isEqualTo("./kits/" + s.getKey());
      assertThat(mounts).as(where + ": the state directory is on a named volume").containsKey("/var/lib/shoal");
      assertThat(value(r, "--state-dir")).startsWith("/var/lib/shoal/");
      if (r.commandSpec().name().equals("node")) {
        String coordinator = value(r, "--coordinator");
        String host = coordinator.substring(0, coordinator.lastIndexOf(':'));
        assertThat(services.has(host)).as(where + ": --coordinator " + coordinator + " names a service").isTrue();
        CommandLine.ParseResult c = commands.get(host);
        assertThat(port(coordinator)).as(where + ": --coordinator port").isEqualTo(port(value(c, "--listen")));
        assertThat(mounts).as(where + ": --data-path is mounted").containsKey(value(r, "--data-path"));
        assertThat(s.getValue().at("/healthcheck/disable").asBoolean()).as(where + ": a node serves no health check").isTrue();
      } else {
        assertThat(r.commandSpec().name()).isEqualTo("coordinator");
        String config = value(r, "--config");
        assertThat(mounts).as(where + ": --config is mounted").containsKey(config);
        assertJobFile("deploy/docker/" + mounts.get(config), Files.readString(DOCKER.resolve(mounts.get(config))));
        assertThat(port(value(r, "--http"))).as(where + ": --http is the port the image health-checks")
            .isEqualTo(port(coordinatorDefault("--http")));
        assertThat(value(r, "--listen")).startsWith("0.0.0.0:");
        assertThat(s.getValue().path("ports").toString()).contains(port(value(r, "--listen")) + ":" + port(value(r, "--listen")));
      }
    }
    assertThat(commands.values().stream().map(r -> r.commandSpec().name()))
        .containsExactlyInAnyOrder("coordinator", "node", "node");
  }

  @Test
  void theSystemdUnitsCommandLinesParseWithTheirExampleSettings() throws IOException {
    Path systemd = REPO.resolve("deploy/systemd");
    Map<String, String> env = new HashMap<>(Map.of("STATE_DIRECTORY", "/var/lib/shoal/x", "CREDENTIALS_DIRECTORY", "/run/credentials/x"));
    for (String line : Files.readAllLines(systemd.resolve("node.conf.example"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
    for (String unit : List.of("shoal-coordinator.service", "shoal-node@.service")) {
      String execStart = Files.readAllLines(systemd.resolve(unit)).stream().filter(l -> l.startsWith("ExecStart="))
          .findFirst().orElseThrow(() -> new AssertionError(unit + " has no ExecStart=")).substring("ExecStart=".length());
      List<String> words = new ArrayList<>();
      for (String w : execStart.split(" +")) {
        Matcher v = Pattern.compile("\\$\\{(\\w+)}").matcher(w);
        words.add(v.replaceAll(m -> {
          assertThat(env).as(unit + ": ${" + m.group(1) + "} is set by systemd or node.conf.example").containsKey(m.group(1));
          return Matcher.quoteReplacement(env.get(m.group(1)));
        }));
      }
      assertThat(words.getFirst()).isEqualTo("/usr/bin/shoal");
      CommandLine.ParseResult r = parse("deploy/systemd/" + unit + " ExecStart", words.subList(1, words.size()));
      assertThat(value(r, "--kit")).isEqualTo("/run/credentials/x");
      if (r.commandSpec().name().equals("coordinator")) {
        assertThat(value(r, "--config")).isEqualTo("/etc/shoal/coordinator.yaml");
        assertJobFile("deploy/systemd/coordinator.yaml", Files.readString(systemd.resolve("coordinator.yaml")));
      }
    }
  }
}
