package dev.shoal.app;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --run NAME}: which run of a coordinator's state directory a command reads. */
final class RunOption {

  @Option(names = "--run", paramLabel = "NAME", description = "A run of a coordinator's state directory DIR (default:"
      + " the run whose files are at the top of DIR, the first one started there; later runs are in DIR/runs/NAME).")
  String run;

  /** The directory holding the run's outputs and ledger. */
  Path resolve(Path dir) {
    return RunOutputs.forReading(dir, run);
  }
}
