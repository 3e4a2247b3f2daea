package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What a new user meets first: help, usage errors, output directories. */
class FirstRunCommandTest extends InProcessCommandTest {

  @TempDir Path tmp;

  @Test
  void topLevelHelpGivesEachCommandsWholeFirstSentence() {
    assertThat(shoal("--help")).isZero();
    String help = out.toString().replaceAll("\\s+", " ");
    CommandLine root = new CommandLine(new Main());
    for (var e : root.getSubcommands().entrySet()) {
      String sentence = CommandSummaries.summary(e.getValue());
      assertThat(sentence).as(e.getKey()).isNotBlank();
      assertThat(help).as(e.getKey()).contains(e.getKey() + " " + sentence.replaceAll("\\s+", " "));
    }
    // the coordinator's first line used to end in "runs the rounds and"
    assertThat(help).contains("keeps its state (SQLite, content-addressed models) in --state-dir.");
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(shoal("demo", "--transport", "pigeon")).isEqualTo(2);
    assertThat(err.toString()).contains("--transport must be inproc or grpc, got 'pigeon'");
    assertThat(shoal("simulate", "--no-such-option")).isEqualTo(2);
    assertThat(shoal("status", "--coordinator", "127.0.0.1:1")).isEqualTo(2);
    assertThat(err.toString()).contains("give --kit DIR");
  }

  @Test
  void aWrongModelSaysWhichOnesExistAndLeavesNoDirectory() {
    Path out = tmp.resolve("run");
    assertThat(shoal("simulate", "--model", "resnet", "--out", out.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("unknown model 'resnet': use --model with one of cnn, logreg, mlp")
        .doesNotContain("ModelZoo").doesNotContain("Exception");
    assertThat(out).doesNotExist();
  }

  @Test
  void anOutputDirectoryThatHoldsARunIsRefused() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("run"));
    Files.writeString(out.resolve("metrics.jsonl"), "{\"round\":1}\n");
    assertThat(shoal("simulate", "--model", "logreg", "--rounds", "1", "--out", out.toString())).isEqualTo(1);
    assertThat(err.toString()).contains("already holds a run (metrics.jsonl)", "give a new --out");
    assertThat(Files.readString(out.resolve("metrics.jsonl"))).isEqualTo("{\"round\":1}\n");
  }

  @Test
  void runsStartedInTheSameSecondGetDirectoriesOfTheirOwn() {
    Set<Path> dirs = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      Path dir = RunDirectory.resolve(null, "demo", tmp.resolve("runs"));
      assertThat(dir).isDirectory().isEmptyDirectory();
      dirs.add(dir);
    }
    assertThat(dirs).hasSize(5);
  }

  @Test
  void aCoordinatorAddressInUseNamesTheOption() throws Exception {
    try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      String listen = "127.0.0.1:" + taken.getLocalPort();
      assertThat(shoal("coordinator", "--insecure", "--state-dir", tmp.resolve("state").toString(),
          "--listen", listen, "--http", "off", "--model", "logreg")).isEqualTo(1);
      assertThat(err.toString()).contains("--listen " + listen + " cannot be served", "--listen HOST:PORT")
          .doesNotContain("Exception");
    }
  }

  @Test
  void whatTheReadmeExamplesWriteIsIgnoredByGit() throws Exception {
    Path checkout = Path.of(System.getProperty("user.dir")).getParent();
    for (String file : new String[] {"ca/ca-key.pem", "kits/hub/key.pem", "sites/client-000/x", "state/state.db"}) {
      Process git = new ProcessBuilder("git", "-C", checkout.toString(), "check-ignore", "-q", file).start();
      assertThat(git.waitFor()).as(file).isZero();
    }
  }
}
