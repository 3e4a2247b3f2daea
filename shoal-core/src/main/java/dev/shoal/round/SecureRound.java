package dev.shoal.round;

import dev.shoal.secagg.SecAggAbortedException;
import dev.shoal.secagg.SecAggCodec;
import dev.shoal.secagg.SecAggParams;
import dev.shoal.secagg.SecAggProtocol;
import dev.shoal.secagg.SecAggResult;
import dev.shoal.secagg.SecAggStage;
import dev.shoal.tensor.ContentId;
import dev.shoal.strategy.Outbound;
import dev.shoal.strategy.UpdateVector;
import dev.shoal.tensor.ParameterSet;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's side of secure aggregation in a round: after the sampled clients have trained
 * and kept their updates, it runs SecAgg+ among them over the {@link ClientPort} and yields only
 * the sum. When too many clients drop for the protocol's threshold it aborts, and the round is
 * not aggregated; the run goes on.
 */
public final class SecureRound {

  private static final Logger log = LoggerFactory.getLogger(SecureRound.class);

  /**
   * What the user chose; null fields take the protocol's defaults for the round's participant
   * count ({@link SecAggParams#defaults}).
   *
   * @param maxExamples the example count that weighs 1 in the sum ({@link UpdateVector})
   */
  public record Settings(Integer degree, Integer threshold, int bits, Double clip, long maxExamples) {

    public static final Settings DEFAULT = new Settings(null, null, SecAggParams.DEFAULT_BITS, null, 10_000);

    /** The protocol parameters for {@code participants} clients; {@link SecAggParams#check} still applies. */
    public SecAggParams params(int participants) {
      SecAggParams d = SecAggParams.defaults(participants);
      int k = degree == null ? d.degree() : degree;
      int t = threshold != null ? threshold : degree == null ? d.threshold() : k / 2 + 1;
      int levels = (int) Math.max(1, ((1L << (bits - 1)) - 1) / participants);
      return new SecAggParams(bits, clip == null ? d.clip() : clip, levels, k, t);
    }
  }

  private final Settings settings;
  private final SecureRandom random = new SecureRandom();

  public SecureRound(Settings settings) {
    this.settings = settings;
  }

  /** The outbound pipeline of a client in a secure round: keep the update, weigh it, clip and noise as asked. */
  public Outbound outbound(Outbound requested) {
    return new Outbound(true, settings.maxExamples(), requested.clipNorm(), requested.noiseStddev(), requested.encoding());
  }

  /**
   * The protocol's result and a commitment to each survivor's masked upload (the content id of
   * its encoded bytes), for the ledger.
   */
  public record Sum(SecAggResult result, Map<String, String> commitments) {}

  /** The sum of the holders' update vectors, or empty when the protocol could not finish. */
  public Optional<Sum> sum(int round, ParameterSet global, List<String> holders, ClientPort clients,
      Duration stageTimeout) {
    Map<String, String> uploads = new ConcurrentHashMap<>();
    try {
      SecAggParams params = settings.params(holders.size());
      SecAggResult result = SecAggProtocol.run(round, params, holders, UpdateVector.length(global),
          (client, request) -> {
            byte[] reply = clients.secagg(client, round, request.stage().name().toLowerCase(Locale.ROOT),
                SecAggCodec.encode(request));
            if (request.stage() == SecAggStage.MASKED_INPUT) {
              uploads.put(client, ContentId.of(reply).value());
            }
            return SecAggCodec.decodeReply(reply);
          },
          stageTimeout, random);
      Map<String, String> commitments = new TreeMap<>();
      result.survivors().forEach(c -> commitments.put(c, uploads.get(c)));
      return Optional.of(new Sum(result, commitments));
    } catch (SecAggAbortedException | IllegalArgumentException e) {
      log.warn("secure aggregation aborted round={} clients={} reason=\"{}\"", round, holders.size(), e.getMessage());
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("secure aggregation interrupted round={}", round);
      return Optional.empty();
    }
  }
}
