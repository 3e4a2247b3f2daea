package dev.shoal.app;

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
      PeerCommand.class,
      NodeCommand.class,
      RelayCommand.class,
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
    StandardError.takeOver();
    System.exit(execute(args));
  }

  /** Exit code of a command that failed: the user's mistake or, reported as such, an internal error. */
  static final int FAILED = 1;

  /** Exit code of a command line that is not understood: unknown option or command, bad value, bad job file. */
  static final int USAGE = 2;

  /** Runs the command line and returns its exit code: 0 done, 1 failed, 2 bad usage. */
  public static int execute(String... args) {
    return execute(commandLine(), args);
  }

  /** The {@code shoal} command tree with its failure handling. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(FailureReport::report);
    CommandSummaries.install(cli);
    return cli;
  }

  static int execute(CommandLine cli, String... args) {
    try {
      JobFile.applyTo(cli, args);
    } catch (CommandLine.ParameterException e) {
      cli.getErr().println("error: " + e.getMessage());
      return USAGE;
    }
    return cli.execute(args);
  }
}
