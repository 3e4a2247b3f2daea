package dev.shoal.app;

import dev.shoal.privacy.Conversion;
import dev.shoal.privacy.PrivacySpent;
import dev.shoal.privacy.RdpAccountant;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "privacy",
    mixinStandardHelpOptions = true,
    description = "Differential-privacy accounting (see docs/privacy.md).",
    subcommands = PrivacyCommand.Epsilon.class)
final class PrivacyCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(
      name = "epsilon",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "The ε of T steps of the Poisson-subsampled Gaussian mechanism (as in DP-SGD)",
        "at a given δ, by Rényi DP accounting at Opacus' default orders.",
        "Prints ε and the RDP order that gives it."
      })
  static final class Epsilon implements Callable<Integer> {

    @Option(names = "--sampling-rate", required = true, paramLabel = "Q",
        description = "Probability that an example (or client) takes part in a step, in [0, 1].")
    double samplingRate;

    @Option(names = "--noise-multiplier", required = true, paramLabel = "Z",
        description = "Noise standard deviation divided by the clipping norm, ≥ 0.")
    double noiseMultiplier;

    @Option(names = "--steps", required = true, paramLabel = "T", description = "Number of steps, ≥ 0.")
    long steps;

    @Option(names = "--delta", required = true, paramLabel = "D", description = "Target δ, in (0, 1).")
    double delta;

    @Option(names = "--conversion", defaultValue = "balle", paramLabel = "balle|classic",
        converter = ConversionName.class,
        description = "RDP to (ε, δ): balle (Balle et al. 2020, as Opacus) or classic (Mironov 2017) (default: ${DEFAULT-VALUE}).")
    Conversion conversion;

    @Override
    public Integer call() {
      check(samplingRate >= 0 && samplingRate <= 1, "--sampling-rate must be in [0, 1], got " + samplingRate);
      check(noiseMultiplier >= 0 && noiseMultiplier < Double.POSITIVE_INFINITY,
          "--noise-multiplier must be ≥ 0 and finite, got " + noiseMultiplier);
      check(steps >= 0, "--steps must be ≥ 0, got " + steps);
      check(delta > 0 && delta < 1, "--delta must be in (0, 1), got " + delta);
      PrivacySpent spent = new RdpAccountant().steps(samplingRate, noiseMultiplier, steps).epsilon(delta, conversion);
      System.out.printf(Locale.ROOT, "epsilon %s  delta %s  order %s%n", format(spent.epsilon()), plain(delta), order(spent.order()));
      System.out.printf(Locale.ROOT, "(sampling rate %s, noise multiplier %s, %d steps, %s conversion)%n",
          plain(samplingRate), plain(noiseMultiplier), steps, conversion.name().toLowerCase(Locale.ROOT));
      return 0;
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new UserError(message);
      }
    }

    private static String format(double epsilon) {
      return Double.isInfinite(epsilon) ? "inf" : String.format(Locale.ROOT, "%.6f", epsilon);
    }

    private static String plain(double value) {
      return BigDecimal.valueOf(value).stripTrailingZeros().toString();
    }

    private static String order(double order) {
      if (Double.isNaN(order)) {
        return "none";
      }
      return order == Math.rint(order) ? Long.toString((long) order) : Double.toString(order);
    }
  }

  /** Reads {@code balle} or {@code classic}; anything else is a usage error. */
  static final class ConversionName implements CommandLine.ITypeConverter<Conversion> {
    @Override
    public Conversion convert(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "balle" -> Conversion.BALLE;
        case "classic" -> Conversion.CLASSIC;
        default -> throw new CommandLine.TypeConversionException("expected balle or classic, got '" + value + "'");
      };
    }
  }
}
