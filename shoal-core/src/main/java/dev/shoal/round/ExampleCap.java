package dev.shoal.round;

import dev.shoal.strategy.FitReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's {@code num_examples} is a claim it makes about itself, and FedAvg weighs its update by
 * it: one node claiming 10⁹ examples with an unchanged model would pull the global model back to
 * where the round started. The cap clips each claim before the reply is weighted.
 */
final class ExampleCap {

  private static final Logger log = LoggerFactory.getLogger(ExampleCap.class);

  private ExampleCap() {}

  static long check(long max) {
    if (max < 1) {
      throw new IllegalArgumentException("the most examples a reply may claim must be >= 1, got " + max);
    }
    return max;
  }

  /** {@code reply} with its example count clipped to {@code max}, logged when it was above. */
  static FitReply clip(int round, FitReply reply, long max) {
    if (reply.numExamples() <= max) {
      return reply;
    }
    log.info("example count clipped round={} client={} claimed={} used={}", round, reply.clientId(), reply.numExamples(), max);
    return new FitReply(reply.clientId(), reply.parameters(), max, reply.metrics());
  }
}
