package dev.shoal.app;

import dev.shoal.round.ClientBandwidth;
import dev.shoal.round.ClientSpeed;
import dev.shoal.round.FitTimes;
import java.util.List;

/**
 * A simulation's virtual clock: each client's compute speed and link bandwidth, drawn from the
 * run's seed, and what one example of one epoch costs a nominal client. A run with one reports
 * federation time in virtual seconds ({@code virtual_time}) without waiting for it.
 */
record ClockSpec(ClientSpeed speed, ClientBandwidth bandwidth, double secondsPerExample) {

  static final double DEFAULT_SECONDS_PER_EXAMPLE = 0.001;

  /** Every client nominal, transfers free: the clock of an asynchronous run given no speeds. */
  static final ClockSpec NOMINAL = new ClockSpec(ClientSpeed.UNIFORM, ClientBandwidth.UNLIMITED,
      DEFAULT_SECONDS_PER_EXAMPLE);

  ClockSpec {
    if (!(secondsPerExample > 0) || Double.isInfinite(secondsPerExample)) {
      throw new UserError("--seconds-per-example must be a positive number, got " + secondsPerExample);
    }
  }

  FitTimes fitTimes(List<String> clients, long seed) {
    return FitTimes.draw(speed, bandwidth, secondsPerExample, clients, seed);
  }

  String describe() {
    return "client speed " + speed.describe() + ", bandwidth " + bandwidth.describe()
        + (Double.isInfinite(bandwidth.bytesPerSecond()) ? "" : " bytes/s") + ", " + secondsPerExample
        + " s per example and epoch";
  }
}
