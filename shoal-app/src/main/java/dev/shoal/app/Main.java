package dev.shoal.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code shoal} command line. */
@Command(
    name = "shoal",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Federated machine learning on the JVM: train one model across machines that keep their data.",
    subcommands = {
      DemoCommand.class,
      SimulateCommand.class,
      InitModelCommand.class,
      DataCommand.class,
      TrainLocalCommand.class,
      EvaluateCommand.class,
      AggregateCommand.class,
      CoordinatorCommand.class,
      NodeCommand.class,
      StatusCommand.class,
      PkiCommand.class,
      PrivacyCommand.class,
      LedgerCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code: 0 done, 1 failed, 2 bad usage. */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(Main::reportFailure);
    try {
      JobFile.applyTo(cli, args);
    } catch (CommandLine.ParameterException e) {
      cli.getErr().println("error: " + e.getMessage());
      return 2;
    }
    return cli.execute(args);
  }

  /** Expected failures (bad files, bad values) print one line; anything else a stack trace. */
  private static int reportFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
    if (cause instanceof IOException || cause instanceof IllegalArgumentException || cause instanceof UserError) {
      cmd.getErr().println("error: " + cause.getMessage());
      return 1;
    }
    cmd.getErr().println("error: " + cause);
    cause.printStackTrace(cmd.getErr());
    return 1;
  }
}
