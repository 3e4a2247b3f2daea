package dev.shoal.round;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Simulated clients' link bandwidth: a nominal number of bytes per second, spread over the
 * clients by a {@link ClientSpeed} distribution ({@code 1e7} for every client at 10 MB/s,
 * {@code 1e7:lognormal:1} for a lognormal spread around it, {@code 1e7:slow:0.3,10} for 30% of
 * links ten times slower). Drawn from its own seed, independently of the compute speeds.
 */
public record ClientBandwidth(double bytesPerSecond, ClientSpeed spread) {

  /** Links that take no time. */
  public static final ClientBandwidth UNLIMITED = new ClientBandwidth(Double.POSITIVE_INFINITY, ClientSpeed.UNIFORM);

  public ClientBandwidth {
    if (!(bytesPerSecond > 0)) {
      throw new IllegalArgumentException("bandwidth must be a positive number of bytes per second, got "
          + bytesPerSecond);
    }
  }

  /** Each client's bytes per second. */
  public Map<String, Double> draw(List<String> clients, long seed) {
    Map<String, Double> out = new LinkedHashMap<>();
    spread.draw(clients, dev.shoal.strategy.Seeds.derive(seed, 0, "bandwidth"))
        .forEach((c, m) -> out.put(c, bytesPerSecond * m));
    return out;
  }

  public String describe() {
    return Double.isInfinite(bytesPerSecond) ? "unlimited"
        : bytesPerSecond + (spread.equals(ClientSpeed.UNIFORM) ? "" : ":" + spread.describe());
  }

  /**
   * Reads {@code BYTES_PER_S} or {@code BYTES_PER_S:DISTRIBUTION}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static ClientBandwidth parse(String text) {
    String t = text.trim();
    int colon = t.indexOf(':');
    String base = colon < 0 ? t : t.substring(0, colon);
    double bytes;
    try {
      bytes = Double.parseDouble(base);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected BYTES_PER_S or BYTES_PER_S:DISTRIBUTION (e.g. 1e7 or "
          + "1e7:lognormal:1), got '" + text + "'", e);
    }
    if (Double.isInfinite(bytes)) {
      throw new IllegalArgumentException("bandwidth must be finite, got '" + text + "'");
    }
    return new ClientBandwidth(bytes, colon < 0 ? ClientSpeed.UNIFORM : ClientSpeed.parse(t.substring(colon + 1)));
  }
}
