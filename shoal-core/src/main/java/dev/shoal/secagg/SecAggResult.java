package dev.shoal.secagg;

import java.util.List;
import java.util.Map;

/**
 * The outcome of a secure aggregation round.
 *
 * @param sum the decoded sum of the survivors' clipped, quantized inputs
 * @param survivors the clients whose inputs are in the sum, sorted
 * @param dropouts the clients that left the round, in the order they left
 * @param traffic bytes each client received (down) and sent (up), as {@link SecAggCodec} encodes
 *     the messages; empty where the round was not run by {@link SecAggProtocol}
 */
public record SecAggResult(float[] sum, List<String> survivors, List<SecAggDropout> dropouts,
    Map<String, Traffic> traffic) {

  /** Bytes one client received from and sent to the coordinator. */
  public record Traffic(long down, long up) {}

  public SecAggResult {
    survivors = List.copyOf(survivors);
    dropouts = List.copyOf(dropouts);
    traffic = Map.copyOf(traffic);
  }

  /** A result with no dropouts and no traffic recorded. */
  public SecAggResult(float[] sum, List<String> survivors) {
    this(sum, survivors, List.of(), Map.of());
  }

  /** Bytes sent to all clients. */
  public long bytesDown() {
    return traffic.values().stream().mapToLong(Traffic::down).sum();
  }

  /** Bytes received from all clients. */
  public long bytesUp() {
    return traffic.values().stream().mapToLong(Traffic::up).sum();
  }

  SecAggResult withTraffic(Map<String, Traffic> t) {
    return new SecAggResult(sum, survivors, dropouts, t);
  }
}
