package dev.shoal.app;

import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RunEvent;
import dev.shoal.round.RunListener;
import java.io.PrintStream;
import java.util.Locale;

/** One progress line per round and a summary at the end, for people watching a terminal. */
final class ConsoleProgress implements RunListener {

  private final PrintStream out;

  ConsoleProgress(PrintStream out) {
    this.out = out;
  }

  @Override
  public void on(RunEvent event) {
    switch (event) {
      case RunEvent.RunStarted s -> out.printf(Locale.ROOT,
          "%s: %d %s, %d clients, %,d parameters, initial model %s%n",
          s.strategy(), s.rounds(), s.strategy().equals("fedbuff") ? "model steps" : "rounds", s.clients(),
          s.parameterCount(), shortId(s.initialModelId()));
      case RunEvent.RoundStarted s -> { }
      case RunEvent.ClientFailed f -> out.printf(Locale.ROOT,
          "  round %d: client %s failed: %s%n", f.round(), f.clientId(), f.reason());
      case RunEvent.RoundFinished f -> out.println(line(f.metrics(), f.totalRounds()));
      case RunEvent.RunStopped s -> out.printf(Locale.ROOT, "stopped before round %d: %s%n", s.round(), s.reason());
      case RunEvent.RunFinished f when f.history().isEmpty() ->
          out.println("done: every round had already been completed");
      case RunEvent.RunFinished f -> {
        RoundMetrics last = f.history().get(f.history().size() - 1);
        out.printf(Locale.ROOT, "done: %d %s in %.1fs, %s, test_loss %.4f, model %s%n",
            f.history().size(), last.extra().containsKey("staleness_max") ? "model steps" : "rounds", f.seconds(),
            headline(last), last.testLoss(), shortId(last.modelId()));
      }
    }
    out.flush();
  }

  static String line(RoundMetrics m, int total) {
    String width = Integer.toString(String.valueOf(total).length());
    boolean step = m.extra().containsKey("staleness_max");
    return String.format(Locale.ROOT,
        "%s %" + width + "d/%d  %s %d  failures %d  train_loss %.4f  test_loss %.4f  %s  up %s  down %s  %.1fs%s%s%s%s",
        step ? "step" : "round", m.round(), total, step ? "updates" : "clients", m.clients(), m.failures(), m.trainLoss(),
        m.testLoss(), taskMetrics(m), bytes(m.bytesUp()), bytes(m.bytesDown()), m.seconds(),
        m.extra().containsKey("virtual_time")
            ? String.format(Locale.ROOT, "  virtual %.1fs", m.extra().get("virtual_time")) : "",
        step ? String.format(Locale.ROOT, "  staleness max %.0f", m.extra().get("staleness_max")) : "",
        m.extra().containsKey("epsilon")
            ? String.format(Locale.ROOT, "  epsilon %.3f (delta %s)", m.extra().get("epsilon"), m.extra().get("delta"))
            : "",
        m.extra().getOrDefault("free_riders", 0.0) > 0
            ? String.format(Locale.ROOT, "  free riders %.0f", m.extra().get("free_riders")) : "",
        m.aggregated() ? "" : "  (not aggregated: too few updates)");
  }

  /** The task's test metrics: accuracy (and ROC AUC for binary), or for regression R² and MAE. */
  static String taskMetrics(RoundMetrics m) {
    var x = m.extra();
    if (Double.isNaN(m.testAccuracy()) && x.containsKey("test_r2")) {
      return String.format(Locale.ROOT, "test_r2 %.4f  test_mae %.4g", x.get("test_r2"), x.get("test_mae"));
    }
    String s = String.format(Locale.ROOT, "test_accuracy %.4f", m.testAccuracy());
    if (x.containsKey("test_roc_auc")) {
      s += String.format(Locale.ROOT, "  test_macro_f1 %.4f  test_roc_auc %.4f", x.get("test_macro_f1"), x.get("test_roc_auc"));
    }
    return s;
  }

  /** The run's headline result: test accuracy, or R² for regression. */
  static String headline(RoundMetrics m) {
    if (Double.isNaN(m.testAccuracy()) && m.extra().containsKey("test_r2")) {
      return String.format(Locale.ROOT, "test_r2 %.4f", m.extra().get("test_r2"));
    }
    return String.format(Locale.ROOT, "test_accuracy %.4f", m.testAccuracy());
  }

  static String bytes(long n) {
    if (n < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
  }

  private static String shortId(String id) {
    return id.substring(0, Math.min(id.length(), 19));
  }
}
