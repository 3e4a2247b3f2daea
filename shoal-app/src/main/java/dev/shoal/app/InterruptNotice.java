package dev.shoal.app;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Says, when a run is stopped part way (Ctrl-C, SIGTERM), how far it got and how to go on: a
 * coordinator resumes when started again with the same command, a simulation does not and starts
 * again in a new directory. Counts the completed rounds from {@code metrics.jsonl}.
 */
final class InterruptNotice implements AutoCloseable {

  private final Thread hook;

  private InterruptNotice(Thread hook) {
    this.hook = hook;
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** For {@code demo} and {@code simulate}, writing into {@code out}. */
  static InterruptNotice forSimulation(Path out, int rounds, PrintStream console) {
    return new InterruptNotice(new Thread(() -> console.printf(
        "%ninterrupted after round %d of %d; what the run wrote is in %s. A simulation does not resume:"
            + " run it again with a new --out (or without one).%n", completed(out), rounds, out)));
  }

  /** For {@code coordinator}, keeping its state in {@code stateDir}. */
  static InterruptNotice forCoordinator(Path stateDir, int rounds, PrintStream console) {
    return new InterruptNotice(new Thread(() -> console.printf(
        "%ninterrupted after round %d of %d; start the same command again (same --state-dir %s) to resume"
            + " after round %d.%n", completed(stateDir), rounds, stateDir, completed(stateDir))));
  }

  /** Rounds recorded in {@code dir/metrics.jsonl}. */
  static int completed(Path dir) {
    try (Stream<String> lines = Files.lines(dir.resolve("metrics.jsonl"))) {
      return (int) lines.filter(l -> !l.isBlank()).count();
    } catch (IOException e) {
      return 0;
    }
  }

  /** The run ended by itself: nothing to say when the process exits. */
  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the process is already shutting down: the notice is on its way
    }
  }
}
