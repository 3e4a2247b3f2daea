package dev.shoal.round;

import dev.shoal.contribution.ContributionReport;
import dev.shoal.contribution.Contributions;
import dev.shoal.contribution.UtilityMeasure;
import dev.shoal.encoding.UpdateEncoding;
import dev.shoal.strategy.EvaluateReply;
import dev.shoal.strategy.FitAggregation;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.Relaying;
import dev.shoal.strategy.Subtree;
import dev.shoal.strategy.FitReply;
import dev.shoal.strategy.Seeds;
import dev.shoal.strategy.Strategy;
import dev.shoal.strategy.UpdateCheck;
import dev.shoal.strategy.UpdateRejectedException;
import dev.shoal.strategy.WeightedMean;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.CentralEvaluator;
import dev.shoal.train.Evaluation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The round loop: sample clients, send them the global model, validate their updates as they
 * arrive, fold the accepted ones in client order, evaluate, report. It knows clients only through a {@link ClientPort}.
 */
public final class RoundEngine {

  private static final Logger log = LoggerFactory.getLogger(RoundEngine.class);

  private final Strategy strategy;
  private final ClientPort clients;
  private final RunConfig config;
  private final Optional<CentralEvaluator> central;
  private final RunListener listener;
  private final RoundCommit commit;
  private Optional<SecureRound> secure = Optional.empty();
  private UpdateEncoding encoding = UpdateEncoding.FLOAT32;
  private Optional<Contributions> contributions = Optional.empty();
  private UtilityMeasure utility = UtilityMeasure.ACCURACY;
  private java.util.OptionalLong exampleCap = java.util.OptionalLong.empty();
  private Optional<FitTimes> fitTimes = Optional.empty();
  private java.time.Duration virtualDeadline;
  /** Virtual seconds since the run started, when the engine keeps a virtual clock. */
  private double virtualTime;

  public RoundEngine(
      Strategy strategy, ClientPort clients, RunConfig config, Optional<CentralEvaluator> central, RunListener listener) {
    this(strategy, clients, config, central, listener, RoundCommit.NONE);
  }

  /** An engine whose every finished round is made durable by {@code commit} before it is reported. */
  public RoundEngine(Strategy strategy, ClientPort clients, RunConfig config, Optional<CentralEvaluator> central,
      RunListener listener, RoundCommit commit) {
    this.strategy = strategy;
    this.clients = clients;
    this.config = config;
    this.central = central;
    this.listener = listener;
    this.commit = commit;
  }

  /**
   * Sums every round's updates with secure aggregation: clients keep their updates and the engine
   * sees only the sum. Refused for strategies that need each update.
   */
  public RoundEngine withSecureAggregation(SecureRound round) {
    if (!strategy.foldsSums()) {
      throw new IllegalArgumentException("secure aggregation needs a strategy that folds sums of updates; '"
          + strategy.name() + "' needs each update");
    }
    requireLinear(encoding, true);
    this.secure = Optional.of(round);
    return this;
  }

  /**
   * Takes a reply's {@code num_examples}, a claim, as at most {@code max} when weighting it
   * (strategies, training loss, contribution scores); see {@link ExampleCap}.
   */
  public RoundEngine withExampleCap(long max) {
    this.exampleCap = java.util.OptionalLong.of(ExampleCap.check(max));
    return this;
  }

  /**
   * Has every client send its update in {@code e}, the run's negotiated encoding (each
   * instruction's {@link dev.shoal.strategy.Outbound#encoding()}); the client port decodes it.
   * Refused with secure aggregation unless the encoding is linear.
   */
  public RoundEngine withUpdateEncoding(UpdateEncoding e) {
    requireLinear(e, secure.isPresent());
    this.encoding = e;
    return this;
  }

  private static void requireLinear(UpdateEncoding e, boolean secure) {
    if (secure && !e.linear()) {
      throw new IllegalArgumentException("update encoding " + e.name() + " cannot go with secure aggregation: "
          + "it is not linear (the sum of encoded updates would not decode to their sum); only float32 is");
    }
  }

  /**
   * Keeps a virtual clock (simulation): each reply takes its client's {@link FitTimes} seconds, a
   * round lasts as long as its slowest reply or, when one would come after {@code deadline}
   * virtual seconds, until the deadline, without that reply. Each round's metrics carry {@code
   * virtual_seconds} and the clock since the run started, {@code virtual_time}. The run's own
   * round timeout still bounds the wall time a round waits for its clients.
   */
  public RoundEngine withFitTimes(FitTimes times, java.time.Duration deadline) {
    if (deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("the virtual round deadline must be positive, got " + deadline);
    }
    this.fitTimes = Optional.of(times);
    this.virtualDeadline = deadline;
    return this;
  }

  /**
   * Scores every round's participants with the central evaluator and splits the round's reward
   * (not in secure rounds, where no update is seen).
   */
  public RoundEngine withContributions(Contributions c, UtilityMeasure measure) {
    if (central.isEmpty()) {
      throw new IllegalArgumentException("contribution scores need the coordinator's own evaluation data");
    }
    this.contributions = Optional.of(c);
    this.utility = measure;
    return this;
  }

  /** Runs every round from {@code initial} and returns the final global model. */
  public ParameterSet run(ParameterSet initial) {
    return run(initial, 1);
  }

  /**
   * Runs rounds {@code firstRound} to the last from {@code initial}, the model after round
   * {@code firstRound - 1}: how a run resumes after a restart. Round seeds depend only on the
   * run's seed and the round number, so a resumed run samples and trains as an uninterrupted
   * one would.
   */
  public ParameterSet run(ParameterSet initial, int firstRound) {
    long start = System.nanoTime();
    clients.answersWithin(config.roundTimeout());
    listener.on(new RunEvent.RunStarted(
        strategy.name(), config.rounds(), clients.available().size(), initial.parameterCount(),
        ContentId.of(initial).value()));
    ParameterSet global = initial;
    List<RoundMetrics> history = new ArrayList<>();
    for (int round = firstRound; round <= config.rounds(); round++) {
      Optional<String> stop = strategy.stopBefore(round);
      if (stop.isPresent()) {
        log.info("run stopped before round={} reason=\"{}\"", round, stop.get());
        listener.on(new RunEvent.RunStopped(round, stop.get()));
        break;
      }
      try {
        clients.awaitAvailable(config.minClients());
        commit.begin(round);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for clients before round " + round, e);
      }
      RoundResult r = runRound(round, global);
      global = r.global;
      history.add(r.metrics);
      commit.complete(r.metrics, global, r.record);
      listener.on(new RunEvent.RoundFinished(r.metrics, config.rounds(), global, r.record));
    }
    listener.on(new RunEvent.RunFinished(global, List.copyOf(history), seconds(start)));
    return global;
  }

  private record RoundResult(ParameterSet global, RoundMetrics metrics, RoundRecord record) {}

  private RoundResult runRound(int round, ParameterSet global) {
    long start = System.nanoTime();
    Traffic before = clients.traffic();
    SplittableRandom rng = new SplittableRandom(Seeds.derive(config.seed(), round));
    List<FitInstruction> instructions = strategy.configureFit(round, global, clients.available(), rng).stream()
        .map(i -> new FitInstruction(i.clientId(), i.round(), i.global(), Relaying.stamp(i.config(), i.round(), strategy),
            i.outbound()))
        .map(i -> i.withOutbound(i.outbound().withEncoding(encoding)))
        .map(i -> secure.map(s -> i.withOutbound(s.outbound(i.outbound()))).orElse(i))
        .toList();
    listener.on(new RunEvent.RoundStarted(
        round, config.rounds(), instructions.stream().map(FitInstruction::clientId).toList()));

    Map<String, FitInstruction> byClient = new HashMap<>();
    instructions.forEach(i -> byClient.put(i.clientId(), i));
    List<FitReply> accepted = new ArrayList<>();
    FanOut.<String, FitReply>call(
        List.copyOf(byClient.keySet()).stream().sorted().toList(),
        id -> () -> clients.fit(byClient.get(id)),
        config.roundTimeout(),
        outcome -> {
          // an update must match what its client was sent: the model, and anything the strategy sent beside it
          String reason = outcome.ok()
              ? check(byClient.get(outcome.key()).global(), outcome.key(), outcome.value(), secure.isPresent())
              : outcome.failure();
          if (reason == null) {
            accepted.add(outcome.value());
          } else {
            clientFailed(round, outcome.key(), reason);
          }
        });
    Map<String, Double> clock = fitTimes.map(t -> virtualRound(round, global, byClient, accepted, t)).orElse(Map.of());
    // Fold in client order, not arrival order, so the same updates always give the same bits.
    accepted.sort(Comparator.comparing(FitReply::clientId));
    exampleCap.ifPresent(max -> accepted.replaceAll(r -> ExampleCap.clip(round, r, max)));
    FitAggregation aggregation = strategy.beginFit(round, global);
    Map<String, String> commitments = new HashMap<>();
    Map<String, List<Subtree.Member>> subtrees = new HashMap<>();
    if (secure.isPresent()) {
      List<String> holders = accepted.stream().map(FitReply::clientId).toList();
      secure.get().sum(round, global, holders, clients, config.roundTimeout()).ifPresent(sum -> {
        sum.result().dropouts().forEach(d -> clientFailed(round, d.client(), "dropped from secure aggregation at "
            + d.stage().name().toLowerCase(java.util.Locale.ROOT) + ": " + d.reason()));
        aggregation.addSum(sum.result().sum(), sum.result().survivors());
        commitments.putAll(sum.commitments());
      });
    } else {
      fold(round, aggregation, accepted);
      accepted.forEach(r -> commitments.put(r.clientId(), RoundRecord.commitment(r.parameters())));
      accepted.forEach(r -> subtree(r).ifPresent(s -> subtrees.put(r.clientId(), s.members())));
    }
    Optional<String> refused = aggregation.count() >= config.minClients() ? aggregation.refusal() : Optional.empty();
    boolean aggregated = aggregation.count() >= config.minClients() && refused.isEmpty();
    ParameterSet next = aggregated ? aggregation.result() : global;
    if (!aggregated) {
      log.warn("round not aggregated round={} updates={} min_clients={} reason=\"{}\"", round, aggregation.count(),
          config.minClients(), refused.orElse("fewer updates than min-clients"));
    }
    Evaluation test = central.map(c -> c.evaluate(next)).orElse(new Evaluation(0, Double.NaN, Double.NaN));
    Map<String, Double> extra = new HashMap<>(aggregation.metrics());
    extra.putAll(clock);
    test.metrics().forEach((name, value) -> {
      if (!name.equals(dev.shoal.train.Metrics.ACCURACY) && Double.isFinite(value)) {
        extra.put("test_" + name, value);
      }
    });
    extra.putAll(federatedEvaluation(round, next));
    Traffic traffic = clients.traffic().minus(before);
    double trainLoss = WeightedMean.ofMetrics(accepted).getOrDefault("train_loss", Double.NaN);
    RoundMetrics metrics = new RoundMetrics(
        round, aggregation.count(), instructions.size() - aggregation.count(), aggregated, trainLoss, test.loss(),
        test.accuracy(), traffic.up(), traffic.down(), seconds(start), ContentId.of(next).value(), extra);
    Optional<ContributionReport> scored = aggregated && secure.isEmpty()
        ? contributions.map(c -> c.score(round, global, accepted, central.get(), utility))
        : Optional.empty();
    return new RoundResult(next, metrics, new RoundRecord(commitments, scored, List.of(), subtrees));
  }

  /**
   * Advances the virtual clock by one round: drops the replies that would come after the round's
   * timeout, and returns the round's virtual duration and the clock after it.
   */
  private Map<String, Double> virtualRound(int round, ParameterSet global, Map<String, FitInstruction> byClient,
      List<FitReply> accepted, FitTimes times) {
    double deadline = virtualDeadline.toMillis() / 1000.0;
    long bytes = FitTimes.transferBytes(global);
    double longest = 0;
    for (var it = accepted.iterator(); it.hasNext(); ) {
      FitReply reply = it.next();
      double seconds = times.seconds(reply.clientId(), reply.numExamples(),
          byClient.get(reply.clientId()).config().epochs(), bytes);
      if (seconds > deadline) {
        it.remove();
        clientFailed(round, reply.clientId(), String.format(java.util.Locale.ROOT,
            "missed the round's timeout on the virtual clock: %.1fs > %.1fs", seconds, deadline));
        longest = deadline;
      } else {
        longest = Math.max(longest, seconds);
      }
    }
    virtualTime += longest;
    return Map.of("virtual_seconds", longest, "virtual_time", virtualTime);
  }

  private void fold(int round, FitAggregation aggregation, List<FitReply> accepted) {
    for (var it = accepted.iterator(); it.hasNext(); ) {
      FitReply reply = it.next();
      try {
        aggregation.add(reply);
      } catch (UpdateRejectedException e) {
        it.remove();
        clientFailed(round, reply.clientId(), e.getMessage());
      }
    }
  }

  /** The nodes a relay's reply folded, if it is a relay's; checked with the reply, so it reads here. */
  private static Optional<Subtree> subtree(FitReply reply) {
    return Subtree.of(reply.parameters());
  }

  private void clientFailed(int round, String clientId, String reason) {
    log.warn("client failed round={} client={} reason=\"{}\"", round, clientId, reason);
    listener.on(new RunEvent.ClientFailed(round, clientId, reason));
  }

  /** Validates one reply; returns why it was rejected, or null when it may be folded. */
  private static String check(ParameterSet global, String clientId, FitReply reply, boolean secure) {
    if (!reply.clientId().equals(clientId)) {
      return "reply names client '" + reply.clientId() + "' but was sent to '" + clientId + "'";
    }
    if (secure) {
      return reply.parameters() == null ? null
          : "the client sent its update in the clear although the round uses secure aggregation";
    }
    if (reply.parameters() == null) {
      return "the reply carries no update";
    }
    try {
      UpdateCheck.check(global, reply.parameters(), reply.numExamples());
      subtree(reply);
      return null;
    } catch (UpdateRejectedException | IllegalArgumentException e) {
      return e.getMessage();
    } catch (java.io.UncheckedIOException e) {
      return "cannot read the update: " + e.getMessage();
    }
  }

  private Map<String, Double> federatedEvaluation(int round, ParameterSet global) {
    SplittableRandom rng = new SplittableRandom(Seeds.derive(config.seed(), round, "evaluate"));
    List<String> evaluators = strategy.configureEvaluate(round, clients.available(), rng);
    if (evaluators.isEmpty()) {
      return Map.of();
    }
    List<EvaluateReply> replies = new ArrayList<>();
    FanOut.<String, EvaluateReply>call(
        evaluators,
        id -> () -> clients.evaluate(id, round, global),
        config.roundTimeout(),
        outcome -> {
          if (outcome.ok()) {
            replies.add(outcome.value());
          } else {
            log.warn("evaluation failed round={} client={} reason=\"{}\"", round, outcome.key(), outcome.failure());
          }
        });
    if (replies.isEmpty()) {
      return Map.of();
    }
    Evaluation e = strategy.aggregateEvaluate(replies);
    return Map.of("federated_test_loss", e.loss(), "federated_test_accuracy", e.accuracy());
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
