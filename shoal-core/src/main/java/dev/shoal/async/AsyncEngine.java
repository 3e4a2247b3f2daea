package dev.shoal.async;

import dev.shoal.round.ClientPort;
import dev.shoal.round.FitTimes;
import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RoundRecord;
import dev.shoal.round.RunEvent;
import dev.shoal.round.RunListener;
import dev.shoal.round.StepUpdate;
import dev.shoal.round.Traffic;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.FitReply;
import dev.shoal.strategy.Metadata;
import dev.shoal.strategy.Seeds;
import dev.shoal.strategy.UpdateCheck;
import dev.shoal.strategy.UpdateRejectedException;
import dev.shoal.strategy.WeightedMean;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.CentralEvaluator;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffered asynchronous federated learning (FedBuff) on a virtual clock, for simulation. {@code
 * concurrency} clients train at all times, each on the global model as it was when it started; a
 * client's update arrives after its {@link FitTimes} seconds, is weighted by its staleness and
 * folded into the {@link UpdateBuffer}, and a client chosen at random among the idle ones starts in
 * its place. Every {@code buffer} updates the model steps: the step is evaluated and reported as a
 * {@link RunEvent.RoundFinished} whose round is the step's number and whose record names the
 * updates with their staleness, so every reporter and the ledger follow.
 *
 * <p>Clients train one at a time in this process, in the order of the virtual clock; the same seed
 * gives the same steps, bit for bit.
 */
public final class AsyncEngine {

  private static final Logger log = LoggerFactory.getLogger(AsyncEngine.class);

  private final FedBuff fedbuff;
  private final ClientPort clients;
  private final FitTimes times;
  private final FitConfig fit;
  private final int steps;
  private final long seed;
  private final Optional<CentralEvaluator> central;
  private final RunListener listener;

  /** A client's training in flight: when its update arrives, and the model it started from. */
  private record Flight(double arrival, long launch, String client, int baseStep, ParameterSet base, FitReply reply) {}

  /**
   * @param fit how each client trains; every launch gets a seed of its own derived from it
   * @param steps the model steps to take
   */
  public AsyncEngine(FedBuff fedbuff, ClientPort clients, FitTimes times, FitConfig fit, int steps, long seed,
      Optional<CentralEvaluator> central, RunListener listener) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be >= 1, got " + steps);
    }
    if (fedbuff.concurrency() > clients.available().size()) {
      throw new IllegalArgumentException("concurrency " + fedbuff.concurrency() + " is more than the "
          + clients.available().size() + " clients: at most that many can train at once");
    }
    this.fedbuff = fedbuff;
    this.clients = clients;
    this.times = times;
    this.fit = fit;
    this.steps = steps;
    this.seed = seed;
    this.central = central;
    this.listener = listener;
  }

  /** Takes every model step from {@code initial} and returns the last model. */
  public ParameterSet run(ParameterSet initial) {
    long start = System.nanoTime();
    List<String> all = clients.available();
    listener.on(new RunEvent.RunStarted("fedbuff", steps, all.size(), initial.parameterCount(),
        ContentId.of(initial).value()));
    log.info("asynchronous run started concurrency={} buffer={} staleness_exponent={} server_lr={} steps={}",
        fedbuff.concurrency(), fedbuff.buffer(), fedbuff.stalenessExponent(), fedbuff.serverLr(), steps);
    SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, 0, "async"));
    TreeSet<String> idle = new TreeSet<>(all);
    PriorityQueue<Flight> flying = new PriorityQueue<>(
        Comparator.comparingDouble(Flight::arrival).thenComparingLong(Flight::launch));
    State s = new State(initial);
    while (flying.size() < fedbuff.concurrency()) {
      launch(s, idle, flying, rng);
    }
    List<RoundMetrics> history = new ArrayList<>();
    UpdateBuffer buffer = new UpdateBuffer(initial, fedbuff.buffer());
    List<StepUpdate> folded = new ArrayList<>();
    List<FitReply> replies = new ArrayList<>();
    Traffic before = clients.traffic();
    double stepStart = 0;
    long wallStart = System.nanoTime();
    listener.on(new RunEvent.RoundStarted(1, steps, inFlight(flying)));
    while (s.step < steps) {
      Flight f = flying.poll();
      s.clock = f.arrival();
      idle.add(f.client());
      int staleness = s.step - f.baseStep();
      double weight = fedbuff.weight(staleness);
      buffer.add(f.reply().parameters(), f.base(), weight);
      folded.add(new StepUpdate(f.client(), ContentId.of((ParameterSet) f.reply().parameters()).value(),
          staleness, weight));
      replies.add(f.reply());
      if (buffer.full()) {
        s.global = buffer.step(s.global, fedbuff.serverLr(), Metadata.forRound(s.global.metadata(), s.step + 1));
        s.step++;
        RoundMetrics m = metrics(s, folded, replies, clients.traffic().minus(before), s.clock - stepStart,
            seconds(wallStart));
        history.add(m);
        listener.on(new RunEvent.RoundFinished(m, steps, s.global, RoundRecord.step(folded)));
        folded = new ArrayList<>();
        replies = new ArrayList<>();
        s.failures = 0;
        before = clients.traffic();
        stepStart = s.clock;
        wallStart = System.nanoTime();
      }
      if (s.step < steps) {
        launch(s, idle, flying, rng);
        if (buffer.count() == 0 && folded.isEmpty()) {
          listener.on(new RunEvent.RoundStarted(s.step + 1, steps, inFlight(flying)));
        }
      }
    }
    listener.on(new RunEvent.RunFinished(s.global, List.copyOf(history), seconds(start)));
    return s.global;
  }

  /** What the run has reached: the global model, its step, the virtual clock. */
  private static final class State {
    ParameterSet global;
    int step;
    double clock;
    long launches;
    int failures;
    int failuresInARow;

    State(ParameterSet global) {
      this.global = global;
    }
  }

  /** Starts a client chosen at random among the idle ones on the current model; it trains now, and arrives later. */
  private void launch(State s, TreeSet<String> idle, PriorityQueue<Flight> flying, SplittableRandom rng) {
    while (true) {
      String client = new ArrayList<>(idle).get(rng.nextInt(idle.size()));
      idle.remove(client);
      long launch = s.launches++;
      FitInstruction instruction = new FitInstruction(client, s.step + 1, s.global,
          fit.withSeed(Seeds.derive(fit.seed(), launch, client.hashCode())));
      String failure;
      try {
        FitReply reply = clients.fit(instruction);
        failure = check(client, reply, s.global);
        if (failure == null) {
          double seconds = times.seconds(client, reply.numExamples(), fit.epochs(), FitTimes.transferBytes(s.global));
          flying.add(new Flight(s.clock + seconds, launch, client, s.step, s.global, reply));
          s.failuresInARow = 0;
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while client " + client + " trained", e);
      } catch (Exception e) {
        failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      }
      idle.add(client);
      s.failures++;
      log.warn("client failed round={} client={} reason=\"{}\"", s.step + 1, client, failure);
      listener.on(new RunEvent.ClientFailed(s.step + 1, client, failure));
      if (++s.failuresInARow > 2 * (idle.size() + flying.size())) {
        throw new IllegalStateException("every client launched in a row failed, the last one because: " + failure);
      }
    }
  }

  private static String check(String client, FitReply reply, ParameterSet base) {
    if (!reply.clientId().equals(client)) {
      return "reply names client '" + reply.clientId() + "' but was sent to '" + client + "'";
    }
    if (!(reply.parameters() instanceof ParameterSet)) {
      return "the reply carries no update in memory";
    }
    try {
      UpdateCheck.check(base, reply.parameters(), reply.numExamples());
      return null;
    } catch (UpdateRejectedException e) {
      return e.getMessage();
    }
  }

  private RoundMetrics metrics(State s, List<StepUpdate> folded, List<FitReply> replies, Traffic traffic,
      double virtualSeconds, double wallSeconds) {
    Evaluation test = central.map(c -> c.evaluate(s.global)).orElse(new Evaluation(0, Double.NaN, Double.NaN));
    Map<String, Double> extra = new HashMap<>();
    test.metrics().forEach((name, value) -> {
      if (!name.equals(dev.shoal.train.Metrics.ACCURACY) && Double.isFinite(value)) {
        extra.put("test_" + name, value);
      }
    });
    extra.put("virtual_seconds", virtualSeconds);
    extra.put("virtual_time", s.clock);
    extra.put("staleness_mean", folded.stream().mapToInt(StepUpdate::staleness).average().orElse(0));
    extra.put("staleness_max", (double) folded.stream().mapToInt(StepUpdate::staleness).max().orElse(0));
    double trainLoss = WeightedMean.ofMetrics(replies).getOrDefault("train_loss", Double.NaN);
    return new RoundMetrics(s.step, folded.size(), s.failures, true, trainLoss, test.loss(), test.accuracy(),
        traffic.up(), traffic.down(), wallSeconds, ContentId.of(s.global).value(), extra);
  }

  private static List<String> inFlight(PriorityQueue<Flight> flying) {
    return flying.stream().map(Flight::client).sorted().toList();
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
