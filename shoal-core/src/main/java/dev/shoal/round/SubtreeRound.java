package dev.shoal.round;

import dev.shoal.data.Dataset;
import dev.shoal.federation.Waits;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.FitReply;
import dev.shoal.strategy.Metadata;
import dev.shoal.strategy.Relaying;
import dev.shoal.strategy.Subtree;
import dev.shoal.strategy.UpdateCheck;
import dev.shoal.strategy.UpdateRejectedException;
import dev.shoal.strategy.WeightedMean;
import dev.shoal.strategy.WeightedSum;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Trainer;
import java.time.Duration;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay's fit: the round its parent assigned it, run among the relay's own nodes through a
 * {@link ClientPort}. Every available node trains from the parent's global model with the parent's
 * configuration and the seed the parent's strategy would give it ({@link Relaying#forNode}); the
 * replies are checked as the round engine checks them and folded, in node order, by FedAvg's
 * {@link WeightedSum} into their example-weighted mean, which goes up as the relay's update, with
 * its exact partial sum ({@link dev.shoal.strategy.SubtreeSum}) and the total example count
 * as its weight. FedAvg over relays then is FedAvg over their nodes. The
 * update's {@link Subtree} metadata names each node folded, its example count and its update.
 * A round the relay cannot forward, with no node, or whose nodes all fail, fails with the reason.
 */
public final class SubtreeRound implements Trainer {

  private static final Logger log = LoggerFactory.getLogger(SubtreeRound.class);

  private final String relay;
  private final ClientPort nodes;
  private final int minNodes;
  private final Duration timeout;

  /**
   * @param relay this relay's name, as its members' {@code via}
   * @param nodes the relay's own nodes
   * @param minNodes how many nodes a round waits for (up to {@code timeout}) before it starts
   * @param timeout how long a round waits for its nodes to register, then for their replies
   */
  public SubtreeRound(String relay, ClientPort nodes, int minNodes, Duration timeout) {
    if (minNodes < 1) {
      throw new IllegalArgumentException("a relay needs at least 1 node a round, got " + minNodes);
    }
    this.relay = relay;
    this.nodes = nodes;
    this.minNodes = minNodes;
    this.timeout = timeout;
  }

  @Override
  public FitOutcome fit(ParameterSet global, Dataset data, FitConfig config) {
    Relaying.refusal(config).ifPresent(reason -> {
      throw new IllegalStateException(reason);
    });
    int round = Relaying.round(config);
    List<String> members = awaitNodes(round);
    log.info("subtree round started relay={} round={} nodes={}", relay, round, members);
    List<FitReply> accepted = new ArrayList<>();
    Map<String, String> failed = new TreeMap<>();
    FanOut.<String, FitReply>call(members,
        node -> () -> nodes.fit(new FitInstruction(node, round, global, Relaying.forNode(config, round, node))),
        timeout,
        outcome -> {
          String reason = outcome.ok() ? check(global, outcome.key(), outcome.value()) : outcome.failure();
          if (reason == null) {
            accepted.add(outcome.value());
          } else {
            failed.put(outcome.key(), reason);
            log.warn("node failed relay={} round={} node={} reason=\"{}\"", relay, round, outcome.key(), reason);
          }
        });
    accepted.sort(Comparator.comparing(FitReply::clientId));
    WeightedSum mean = new WeightedSum(global);
    List<Subtree.Member> folded = new ArrayList<>();
    long total = 0;
    for (FitReply reply : accepted) {
      mean.add(reply.parameters(), reply.numExamples());
      total += reply.numExamples();
      Subtree.of(reply.parameters()).ifPresentOrElse(below -> folded.addAll(below.members()),
          () -> folded.add(new Subtree.Member(reply.clientId(), reply.numExamples(),
              RoundRecord.commitment(reply.parameters()), relay)));
    }
    if (folded.isEmpty()) {
      throw new IllegalStateException("every node of relay " + relay + " failed round " + round + ": " + failed);
    }
    Map<String, String> metadata = new TreeMap<>(Metadata.forRound(global.metadata(), round));
    metadata.put(Subtree.METADATA, new Subtree(folded).encode());
    ParameterSet update = mean.meanWithSum(metadata);
    log.info("subtree round folded relay={} round={} nodes={} failed={} examples={}", relay, round, accepted.size(),
        failed.size(), total);
    return new FitOutcome(update, total, WeightedMean.ofMetrics(accepted));
  }

  /** The nodes a round runs with: the available ones, once at least {@code minNodes} are, in name order. */
  private List<String> awaitNodes(int round) {
    if (!Waits.whileTrue(() -> nodes.available().size() < minNodes, timeout)) {
      throw new IllegalStateException("interrupted while relay " + relay + " waited for its nodes");
    }
    List<String> available = nodes.available().stream().sorted().toList();
    if (available.isEmpty()) {
      throw new IllegalStateException("relay " + relay + " has no node registered for round " + round);
    }
    if (available.size() < minNodes) {
      throw new IllegalStateException("relay " + relay + " has " + available.size() + " node(s) registered for round "
          + round + ", fewer than its --min-nodes " + minNodes);
    }
    return available;
  }

  /** Why a node's reply cannot be folded, or null. */
  private static String check(ParameterSet global, String node, FitReply reply) {
    if (!reply.clientId().equals(node)) {
      return "reply names node '" + reply.clientId() + "' but was sent to '" + node + "'";
    }
    if (reply.parameters() == null) {
      return "the reply carries no update";
    }
    try {
      UpdateCheck.check(global, reply.parameters(), reply.numExamples());
      Subtree.of(reply.parameters());
      return null;
    } catch (UpdateRejectedException | IllegalArgumentException e) {
      return e.getMessage();
    } catch (java.io.UncheckedIOException e) {
      return "cannot read the update: " + e.getMessage();
    }
  }

  /** A relay trains with its parent's gradient shift no more than without: SCAFFOLD is refused. */
  @Override
  public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config, ParameterSet gradientShift) {
    if (gradientShift == null) {
      return fit(parameters, data, config);
    }
    Relaying.refusal(config).ifPresent(reason -> {
      throw new IllegalStateException(reason);
    });
    throw new IllegalStateException("a relay cannot forward SCAFFOLD's control variates");
  }

  /** Every setting: the relay forwards them, and its nodes refuse those they do not understand. */
  @Override
  public Set<String> understoodSettings() {
    return EVERY_SETTING;
  }

  @Override
  public ParameterSet initialParameters(long seed) {
    throw new UnsupportedOperationException("a relay has no model of its own; the root coordinator initialises it");
  }

  @Override
  public Evaluation evaluate(ParameterSet parameters, Dataset data) {
    throw new UnsupportedOperationException("a relay does not forward federated evaluation yet;"
        + " run the root with --fraction-evaluate 0, or evaluate centrally");
  }

  private static final Set<String> EVERY_SETTING = new AbstractSet<>() {
    @Override
    public boolean contains(Object o) {
      return o instanceof String;
    }

    @Override
    public Iterator<String> iterator() {
      return Collections.emptyIterator();
    }

    @Override
    public int size() {
      return 0;
    }
  };
}
