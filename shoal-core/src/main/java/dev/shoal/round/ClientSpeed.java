package dev.shoal.round;

import dev.shoal.strategy.Seeds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How fast simulated clients are relative to a nominal one, drawn from a seeded distribution: a
 * multiplier per client, 1 being nominal, 0.1 ten times slower. The same seed and clients give the
 * same multipliers.
 * <ul>
 *   <li>{@code uniform}: every client is nominal;
 *   <li>{@code lognormal:SIGMA}: each client's multiplier is exp(SIGMA·z), z standard normal,
 *       drawn from a seed of its own (median 1);
 *   <li>{@code slow:FRACTION,FACTOR}: round(FRACTION × clients) clients, chosen by the seed, are
 *       FACTOR times slower; the others are nominal.
 * </ul>
 */
public sealed interface ClientSpeed {

  /** Every client at the nominal speed. */
  ClientSpeed UNIFORM = new Uniform();

  /** The multiplier of each client, in the order given. */
  Map<String, Double> draw(List<String> clients, long seed);

  /** The distribution as it is written on the command line. */
  String describe();

  record Uniform() implements ClientSpeed {
    @Override
    public Map<String, Double> draw(List<String> clients, long seed) {
      Map<String, Double> out = new LinkedHashMap<>();
      clients.forEach(c -> out.put(c, 1.0));
      return out;
    }

    @Override
    public String describe() {
      return "uniform";
    }
  }

  record LogNormal(double sigma) implements ClientSpeed {
    public LogNormal {
      if (!(sigma >= 0) || Double.isInfinite(sigma)) {
        throw new IllegalArgumentException("lognormal sigma must be a number >= 0, got " + sigma);
      }
    }

    @Override
    public Map<String, Double> draw(List<String> clients, long seed) {
      Map<String, Double> out = new LinkedHashMap<>();
      for (String c : clients) {
        double z = new SplittableRandom(Seeds.derive(seed, 0, "speed " + c)).nextGaussian();
        out.put(c, Math.exp(sigma * z));
      }
      return out;
    }

    @Override
    public String describe() {
      return "lognormal:" + sigma;
    }
  }

  record Slow(double fraction, double factor) implements ClientSpeed {
    public Slow {
      if (!(fraction >= 0 && fraction <= 1)) {
        throw new IllegalArgumentException("slow: the fraction of slow clients must be in [0, 1], got " + fraction);
      }
      if (!(factor >= 1) || Double.isInfinite(factor)) {
        throw new IllegalArgumentException("slow: the slow-down factor must be a number >= 1, got " + factor);
      }
    }

    @Override
    public Map<String, Double> draw(List<String> clients, long seed) {
      List<String> order = new ArrayList<>(clients);
      SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, 0, "slow clients"));
      for (int i = order.size() - 1; i > 0; i--) { // Fisher–Yates
        int j = rng.nextInt(i + 1);
        order.set(j, order.set(i, order.get(j)));
      }
      long slow = Math.round(fraction * clients.size());
      java.util.Set<String> slowOnes = new java.util.HashSet<>(order.subList(0, (int) slow));
      Map<String, Double> out = new LinkedHashMap<>();
      clients.forEach(c -> out.put(c, slowOnes.contains(c) ? 1 / factor : 1.0));
      return out;
    }

    @Override
    public String describe() {
      return "slow:" + fraction + "," + factor;
    }
  }

  /**
   * Reads {@code uniform}, {@code lognormal:SIGMA} or {@code slow:FRACTION,FACTOR}.
   *
   * @throws IllegalArgumentException naming what is wrong and what is allowed
   */
  static ClientSpeed parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    int colon = t.indexOf(':');
    String kind = colon < 0 ? t : t.substring(0, colon);
    String args = colon < 0 ? "" : t.substring(colon + 1);
    return switch (kind) {
      case "uniform" -> {
        if (!args.isEmpty()) {
          throw new IllegalArgumentException("'uniform' takes no parameters, got '" + text + "'");
        }
        yield UNIFORM;
      }
      case "lognormal" -> new LogNormal(number(args, "lognormal:SIGMA", text));
      case "slow" -> {
        String[] parts = args.split(",", -1);
        if (parts.length != 2) {
          throw new IllegalArgumentException("expected slow:FRACTION,FACTOR (e.g. slow:0.3,10), got '" + text + "'");
        }
        yield new Slow(number(parts[0], "slow:FRACTION,FACTOR", text), number(parts[1], "slow:FRACTION,FACTOR", text));
      }
      default -> throw new IllegalArgumentException("unknown speed distribution '" + text
          + "': allowed are uniform, lognormal:SIGMA and slow:FRACTION,FACTOR");
    };
  }

  private static double number(String s, String form, String text) {
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected " + form + " with numbers, got '" + text + "'", e);
    }
  }
}
