package dev.shoal.app;

import dev.shoal.round.ClientBandwidth;
import dev.shoal.round.ClientSpeed;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code simulate --client-speed DIST [--client-bandwidth B[:DIST]] [--seconds-per-example S]}: a
 * virtual clock, on which federation time is counted without waiting for it.
 */
final class ClockOptions {

  @Option(names = "--client-speed", paramLabel = "DIST", description = "Clients' compute speeds on a virtual clock: uniform, lognormal:SIGMA or slow:FRACTION,FACTOR (default: no virtual clock; uniform with --mode async).")
  String speed;

  @Option(names = "--client-bandwidth", paramLabel = "BYTES_PER_S[:DIST]", description = "Clients' link bandwidth on the virtual clock, spread by DIST as for --client-speed (default: transfers take no time).")
  String bandwidth;

  @Option(names = "--seconds-per-example", paramLabel = "S", description = "Virtual seconds one example of one epoch costs a client of speed 1 (default: 0.001).")
  Double secondsPerExample;

  /** The virtual clock asked for, or for an asynchronous run always one; none otherwise. */
  Optional<ClockSpec> resolve(Transport transport, boolean async) {
    if (speed == null && bandwidth == null && secondsPerExample == null) {
      return async ? Optional.of(ClockSpec.NOMINAL) : Optional.empty();
    }
    if (transport != Transport.INPROC) {
      throw new UserError("--client-speed, --client-bandwidth and --seconds-per-example set a virtual clock, "
          + "simulated with --transport inproc only: real nodes take the time they take");
    }
    ClientSpeed s = speed == null ? ClientSpeed.UNIFORM : parse("--client-speed", () -> ClientSpeed.parse(speed));
    ClientBandwidth b = bandwidth == null ? ClientBandwidth.UNLIMITED
        : parse("--client-bandwidth", () -> ClientBandwidth.parse(bandwidth));
    return Optional.of(new ClockSpec(s, b,
        secondsPerExample == null ? ClockSpec.DEFAULT_SECONDS_PER_EXAMPLE : secondsPerExample));
  }

  private static <T> T parse(String option, java.util.function.Supplier<T> parser) {
    try {
      return parser.get();
    } catch (IllegalArgumentException e) {
      throw new UsageError(option + ": " + e.getMessage());
    }
  }
}
