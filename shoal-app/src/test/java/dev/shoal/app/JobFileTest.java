package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Job files: YAML values become option defaults. */
class JobFileTest {

  @TempDir Path tmp;

  Object valueOf(String yaml, String option) throws Exception {
    Path file = tmp.resolve("job.yaml");
    Files.writeString(file, yaml);
    CommandLine cli = new CommandLine(new Main());
    String[] args = {"simulate", "--config", file.toString()};
    JobFile.applyTo(cli, args);
    cli.parseArgs(args);
    return cli.getSubcommands().get("simulate").getCommandSpec().findOption(option).getValue();
  }

  @Test
  void theBareWordOffMeansOffForAnOptionThatTakesAWord() throws Exception {
    // YAML 1.1 reads off/no as false and on/yes as true
    assertThat(valueOf("contribution: off\n", "--contribution")).isEqualTo("off");
    assertThat(valueOf("contribution: \"off\"\n", "--contribution")).isEqualTo("off");
    assertThat(valueOf("contribution: gtg\n", "--contribution")).isEqualTo("gtg");
  }

  @Test
  void aFlagStillReadsTrueAndFalse() throws Exception {
    assertThat(valueOf("secagg: true\n", "--secagg")).isEqualTo(true);
    assertThat(valueOf("privacy: {secagg: false}\n", "--secagg")).isEqualTo(false);
  }
}
