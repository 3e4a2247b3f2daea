package dev.shoal.round;

import dev.shoal.tensor.ParameterSet;
import java.util.List;
import java.util.Map;

/**
 * The virtual clock's cost model of simulated clients: how many seconds one client's fit takes,
 * {@code examples × epochs × secondsPerExample / speed + bytes / bandwidth}, with each client's
 * speed and bandwidth drawn once from seeded distributions. Simulated runs add these up instead of
 * waiting, so the federation time of synchronous and asynchronous runs can be compared.
 *
 * @param speeds each client's compute speed multiplier (1 nominal)
 * @param bandwidths each client's link bandwidth in bytes per second (infinite: transfers take no time)
 * @param secondsPerExample what one example of one epoch costs a nominal client
 */
public record FitTimes(Map<String, Double> speeds, Map<String, Double> bandwidths, double secondsPerExample) {

  public FitTimes {
    speeds = Map.copyOf(speeds);
    bandwidths = Map.copyOf(bandwidths);
    if (!(secondsPerExample > 0) || Double.isInfinite(secondsPerExample)) {
      throw new IllegalArgumentException("seconds per example must be a positive number, got " + secondsPerExample);
    }
    speeds.forEach((c, s) -> {
      if (!(s > 0) || Double.isInfinite(s)) {
        throw new IllegalArgumentException("client " + c + " has speed " + s + ": speeds must be positive and finite");
      }
    });
  }

  /** The speeds and bandwidths of {@code clients} drawn with {@code seed}. */
  public static FitTimes draw(ClientSpeed speed, ClientBandwidth bandwidth, double secondsPerExample,
      List<String> clients, long seed) {
    return new FitTimes(speed.draw(clients, seed), bandwidth.draw(clients, seed), secondsPerExample);
  }

  /** Virtual seconds of one fit of {@code client}: its training, and its model and update transfers. */
  public double seconds(String client, long examples, int epochs, long bytes) {
    Double speed = speeds.get(client);
    if (speed == null) {
      throw new IllegalArgumentException("the virtual clock knows no client '" + client + "'");
    }
    double bandwidth = bandwidths.getOrDefault(client, Double.POSITIVE_INFINITY);
    return examples * (double) epochs * secondsPerExample / speed + bytes / bandwidth;
  }

  /** The bytes of one fit's transfers: the global model down and the update up, both float32. */
  public static long transferBytes(ParameterSet global) {
    return 2 * Float.BYTES * global.parameterCount();
  }
}
