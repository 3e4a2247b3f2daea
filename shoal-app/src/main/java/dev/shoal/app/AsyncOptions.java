package dev.shoal.app;

import dev.shoal.async.FedBuff;
import dev.shoal.strategy.Strategies;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code simulate --mode async [--concurrency K] [--buffer B] [--staleness-exponent A] [--server-lr
 * η]}: buffered asynchronous aggregation (FedBuff) instead of synchronous rounds. Settings it cannot
 * honour are refused, each with its reason.
 */
final class AsyncOptions {

  static final double DEFAULT_STALENESS_EXPONENT = 0.5;

  @Option(names = "--mode", defaultValue = "sync", paramLabel = "MODE", description = "sync: rounds that wait for their sampled clients; async: FedBuff, --concurrency clients training at all times (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--concurrency", paramLabel = "K", description = "With --mode async: clients training at all times (default: 10, or all clients when fewer).")
  Integer concurrency;

  @Option(names = "--buffer", paramLabel = "B", description = "With --mode async: updates per model step, at most K (default: K/2, at least 1).")
  Integer buffer;

  @Option(names = "--staleness-exponent", paramLabel = "A", description = "With --mode async: an update s steps old weighs (1+s)^-A (default: 0.5).")
  Double stalenessExponent;

  @Option(names = "--server-lr", paramLabel = "ETA", description = "With --mode async: the model steps by ETA times the buffer's mean change (default: 1.0).")
  Double serverLr;

  /** FedBuff's settings when {@code --mode async}, after refusing what it cannot go with. */
  Optional<FedBuff> resolve(Transport transport, FederationSpec federation, int clients) {
    switch (mode) {
      case "sync" -> {
        if (concurrency != null || buffer != null || stalenessExponent != null || serverLr != null) {
          throw new UsageError("--concurrency, --buffer, --staleness-exponent and --server-lr need --mode async");
        }
        return Optional.empty();
      }
      case "async" -> { }
      default -> throw new UsageError("--mode must be sync or async, got '" + mode + "'");
    }
    if (transport != Transport.INPROC) {
      throw new UserError("--mode async is simulated with --transport inproc only so far");
    }
    Privacy p = federation.privacy();
    if (p.secureAggregation().isPresent()) {
      throw new UserError("--mode async cannot go with --secagg: secure aggregation sums a round's updates all at once, "
          + "and FedBuff folds each update as it arrives");
    }
    if (p.differentialPrivacy().isPresent()) {
      throw new UserError("--mode async cannot go with --dp-*: the privacy accounting is for sampled rounds, "
          + "not for asynchronous steps");
    }
    if (!p.encoding().linear()) {
      throw new UserError("--mode async sends updates as float32 only, not --encoding " + p.encoding().name());
    }
    if (!federation.strategy().name().equals(Strategies.DEFAULT) || !federation.strategy().parameters().isEmpty()) {
      throw new UserError("--mode async aggregates with FedBuff, not with --strategy "
          + federation.strategy().name() + ": robust and server-optimised strategies need whole rounds");
    }
    if (federation.fraction() != 1.0) {
      throw new UserError("--mode async keeps --concurrency clients training instead of sampling rounds: "
          + "drop --fraction");
    }
    if (federation.fractionEvaluate() > 0) {
      throw new UserError("--mode async evaluates each step on the coordinator's test data only: "
          + "drop --fraction-evaluate");
    }
    if (federation.maxExamplesPerNode().isPresent()) {
      throw new UserError("--mode async weighs updates by staleness, not by example counts: "
          + "drop --max-examples-per-node");
    }
    int k = concurrency == null ? Math.min(10, clients) : concurrency;
    if (k > clients) {
      throw new UsageError("--concurrency " + k + " is more than the " + clients + " clients: at most that many can train at once");
    }
    int b = buffer == null ? Math.max(1, k / 2) : buffer;
    try {
      return Optional.of(new FedBuff(k, b, stalenessExponent == null ? DEFAULT_STALENESS_EXPONENT : stalenessExponent,
          serverLr == null ? 1.0 : serverLr));
    } catch (IllegalArgumentException e) {
      throw new UsageError("--mode async: " + e.getMessage(), e);
    }
  }
}
