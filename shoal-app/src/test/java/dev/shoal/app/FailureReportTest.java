package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A user's mistake prints one {@code error:} line; a bug in Shoal prints as an internal error and is logged. */
class FailureReportTest extends InProcessCommandTest {

  @TempDir Path dir;

  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  private final Logger reportLog = (Logger) LoggerFactory.getLogger(FailureReport.class);

  @BeforeEach
  void listen() {
    logged.start();
    reportLog.addAppender(logged);
  }

  @AfterEach
  void stopListening() {
    reportLog.detachAppender(logged);
  }

  /** A command of the real command tree whose body fails the way it is told to. */
  @Command(name = "fail")
  static final class Fail implements Callable<Integer> {
    @Option(names = "--with") String with;

    @Override
    public Integer call() {
      switch (with) {
        case "bug" -> throw new IllegalArgumentException("index 7 is out of bounds for length 3");
        case "state" -> throw new IllegalStateException("the engine is closed");
        default -> throw new UserError("--with: '" + with + "' is not what this command takes");
      }
    }
  }

  private int failWith(String what) {
    CommandLine cli = Main.commandLine();
    cli.addSubcommand(new Fail());
    out.reset();
    err.reset();
    return Main.execute(cli, "fail", "--with", what);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void anInternalIllegalArgumentExceptionIsReportedAsABugNotAsTheUsersMistake() {
    assertThat(failWith("bug")).isEqualTo(1);
    assertThat(err()).startsWith("internal error: java.lang.IllegalArgumentException: index 7 is out of bounds for length 3\n")
        .contains("This is a bug in Shoal").contains("report it")
        .doesNotContain("\nerror: ").doesNotStartWith("error: ");
    assertThat(logged.list).singleElement().satisfies(e -> {
      assertThat(e.getFormattedMessage()).isEqualTo(
          "internal error command=\"shoal fail\" exception=java.lang.IllegalArgumentException");
      assertThat(e.getThrowableProxy().getMessage()).isEqualTo("index 7 is out of bounds for length 3");
      assertThat(e.getThrowableProxy().getStackTraceElementProxyArray()).isNotEmpty();
    });
  }

  @Test
  void anyOtherUnexpectedExceptionIsAnInternalErrorToo() {
    assertThat(failWith("state")).isEqualTo(1);
    assertThat(err()).startsWith("internal error: java.lang.IllegalStateException: the engine is closed\n");
    assertThat(logged.list).hasSize(1);
  }

  @Test
  void aUserErrorIsOneLineWithoutStackTrace() {
    assertThat(failWith("nonsense")).isEqualTo(1);
    assertThat(err()).isEqualTo("error: --with: 'nonsense' is not what this command takes\n");
    assertThat(logged.list).isEmpty();
  }

  @Test
  void valuesThatCoreValidatorsRefuseAreTheUsersMistake() {
    assertThat(shoal("data", "partition", "--clients", "1", "--partition", "zipf", "--out", dir.toString()))
        .isEqualTo(1);
    assertThat(err()).startsWith("error: ").contains("zipf").contains("iid, dirichlet, shards").hasLineCount(1);

    assertThat(shoal("simulate", "--rounds", "0", "--out", dir.resolve("run").toString())).isEqualTo(1);
    assertThat(err()).isEqualTo("error: --rounds must be >= 1, got 0\n");
    assertThat(shoal("simulate", "--lr", "-1", "--out", dir.resolve("run").toString())).isEqualTo(1);
    assertThat(err()).isEqualTo("error: --lr must be a positive number, got -1.0\n");
    assertThat(dir.resolve("run")).doesNotExist();

    assertThat(shoal("aggregate", "--output", dir.resolve("a.safetensors").toString(),
        dir.resolve("missing.safetensors").toString())).isEqualTo(1);
    assertThat(err()).startsWith("error: ").contains("missing.safetensors").hasLineCount(1);
    assertThat(logged.list).isEmpty();
  }
}
