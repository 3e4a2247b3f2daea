package dev.shoal.round;

import dev.shoal.round.RemoteClients.Kind;
import dev.shoal.round.RemoteClients.Work;

/**
 * The key that names a node's piece of work, made of its kind, its round and, for a stage of
 * secure aggregation, the stage: {@code fit/3}, {@code evaluate/3}, {@code secagg/3/<stage>}.
 */
final class WorkKey {

  private WorkKey() {}

  static String of(Work w) {
    return switch (w) {
      case Work.Fit f -> fit(f.round());
      case Work.Evaluate e -> evaluate(e.round());
      case Work.SecAgg s -> secagg(s.round(), s.stage());
      case Work.Stop s -> "stop/0";
    };
  }

  static String fit(int round) {
    return "fit/" + round;
  }

  static String evaluate(int round) {
    return "evaluate/" + round;
  }

  static String secagg(int round, String stage) {
    return "secagg/" + round + "/" + stage;
  }

  /** The kind of work {@code key} names. */
  static Kind kind(String key) {
    return key.startsWith("fit/") ? Kind.FIT : key.startsWith("secagg/") ? Kind.SECAGG : Kind.EVALUATE;
  }

  /** The round of the work {@code key} names. */
  static int round(String key) {
    int from = key.indexOf('/') + 1;
    int to = key.indexOf('/', from);
    return Integer.parseInt(to < 0 ? key.substring(from) : key.substring(from, to));
  }
}
