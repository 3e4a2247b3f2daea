package dev.shoal.round;

import dev.shoal.data.FederatedData;
import dev.shoal.data.SyntheticFederation;
import dev.shoal.encoding.ErrorFeedback;
import dev.shoal.encoding.UpdateCodec;
import dev.shoal.encoding.UpdateEncoding;
import dev.shoal.secagg.SecureAggregation;
import dev.shoal.secagg.SecAggParticipant;
import dev.shoal.strategy.ClientIds;
import dev.shoal.strategy.EvaluateReply;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.FitReply;
import dev.shoal.strategy.Metadata;
import dev.shoal.strategy.ScaffoldClient;
import dev.shoal.strategy.Seeds;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Trainer;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Clients living in this process, each with its own data. Models cross the boundary as
 * safetensors bytes in both directions, exactly as they would cross a network, so byte counts
 * are real and no client shares arrays with the coordinator. At most {@code parallelism}
 * clients train at once (the engine underneath already uses every core).
 */
public final class InProcessClients implements ClientPort {

  private static final String UNMASK = dev.shoal.secagg.SecAggStage.UNMASK.name().toLowerCase(java.util.Locale.ROOT);

  private final Trainer trainer;
  private final List<String> ids;
  private final Predicate<String> known;
  /** A client's data, or null for an unknown id; for virtual clients made anew on every call. */
  private final Function<String, FederatedData> data;
  private final Semaphore slots;
  private final AtomicLong down = new AtomicLong();
  private final AtomicLong up = new AtomicLong();
  private final Map<String, SecureAggregation> participants = new java.util.concurrent.ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  /** Each client's top-k residual, kept on the client's side across rounds. */
  private final Map<String, ErrorFeedback> feedback = new java.util.concurrent.ConcurrentHashMap<>();
  /** Each client's SCAFFOLD control variate, kept on the client's side across rounds. */
  private final Map<String, ScaffoldClient.ControlStore> controls = new java.util.concurrent.ConcurrentHashMap<>();

  public InProcessClients(Trainer trainer, Map<String, FederatedData> dataByClient, int parallelism) {
    if (dataByClient.isEmpty()) {
      throw new IllegalArgumentException("at least one client is needed");
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }
    Map<String, FederatedData> copy = new LinkedHashMap<>(dataByClient);
    this.trainer = trainer;
    this.ids = List.copyOf(copy.keySet());
    this.known = copy::containsKey;
    this.data = copy::get;
    this.slots = new Semaphore(parallelism, true);
  }

  private InProcessClients(Trainer trainer, ClientIds ids, Function<String, FederatedData> data, int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
    }
    this.trainer = trainer;
    this.ids = ids;
    this.known = ids::contains;
    this.data = data;
    this.slots = new Semaphore(parallelism, true);
  }

  /**
   * The {@code count} clients of a synthetic federation, {@link ClientIds} {@code client-000}, …:
   * none exists until it is called. A client's data is made from its index when it is asked to
   * fit or evaluate and dropped when it answers, so memory does not grow with {@code count}; what
   * a client keeps between rounds (a top-k residual) is kept only for the clients that have been
   * sampled; a secure-aggregation participant only until the round's last stage.
   */
  public static InProcessClients virtual(Trainer trainer, SyntheticFederation federation, int count, int parallelism) {
    if (count < 1) {
      throw new IllegalArgumentException("at least one client is needed");
    }
    ClientIds ids = ClientIds.of(count);
    return new InProcessClients(trainer, ids, id -> {
      int index = ids.indexOf(id);
      return index < 0 ? null : federation.client(index);
    }, parallelism);
  }

  /** Names clients {@code client-000}, {@code client-001}, … ({@link ClientIds}) in partition order. */
  public static Map<String, FederatedData> named(List<FederatedData> partitions) {
    ClientIds ids = ClientIds.of(partitions.size());
    Map<String, FederatedData> byName = new LinkedHashMap<>();
    for (int i = 0; i < partitions.size(); i++) {
      byName.put(ids.get(i), partitions.get(i));
    }
    return byName;
  }

  @Override
  public List<String> available() {
    return ids;
  }

  @Override
  public FitReply fit(FitInstruction instruction) throws Exception {
    requireKnown(instruction.clientId());
    byte[] sent = Safetensors.encode(instruction.global());
    down.addAndGet(sent.length);
    ParameterSet received = Safetensors.decode(sent, "model for " + instruction.clientId());
    FitOutcome outcome;
    slots.acquire();
    try {
      instruction.config().settings().requireUnderstood(trainer.understoodSettings());
      // a virtual client's data exists only while it trains; a control variate only for SCAFFOLD's clients
      ScaffoldClient.ControlStore control = ScaffoldClient.asked(instruction.config())
          ? controls.computeIfAbsent(instruction.clientId(), id -> ScaffoldClient.inMemory()) : null;
      outcome = ScaffoldClient.fit(trainer, received, local(instruction.clientId()).train(), instruction.config(),
          control);
    } finally {
      slots.release();
    }
    if (instruction.outbound().secureAggregation()) {
      // the update stays with the client; only the protocol's messages leave it
      participants.computeIfAbsent(instruction.clientId(), id -> new SecAggParticipant(random))
          .hold(instruction.clientId(), instruction.round(), received, outcome.parameters(), outcome.numExamples(),
              instruction.outbound());
      return new FitReply(instruction.clientId(), null, outcome.numExamples(), outcome.metrics());
    }
    ParameterSet update = outcome.parameters().withMetadata(Map.of(
        Metadata.ROUND, Integer.toString(instruction.round()),
        Metadata.NUM_EXAMPLES, Long.toString(outcome.numExamples()),
        Metadata.BASE_MODEL, ContentId.of(sent).value()));
    UpdateEncoding encoding = instruction.outbound().encoding();
    byte[] returned = encoding.linear()
        ? Safetensors.encode(update)
        : UpdateCodec.encode(received, update, update.metadata(), encoding,
            feedback.computeIfAbsent(instruction.clientId(), id -> new ErrorFeedback()),
            new SplittableRandom(Seeds.derive(instruction.config().seed(), instruction.round())));
    up.addAndGet(returned.length);
    String source = "update from " + instruction.clientId();
    ParameterSet decoded = encoding.linear()
        ? Safetensors.decode(returned, source)
        : UpdateCodec.decode(returned, instruction.global(), encoding, source);
    return new FitReply(instruction.clientId(), decoded, outcome.numExamples(), outcome.metrics());
  }

  @Override
  public EvaluateReply evaluate(String clientId, int round, ParameterSet global) throws Exception {
    requireKnown(clientId);
    byte[] sent = Safetensors.encode(global);
    down.addAndGet(sent.length);
    ParameterSet received = Safetensors.decode(sent, "model for " + clientId);
    slots.acquire();
    try {
      return new EvaluateReply(clientId, trainer.evaluate(received, local(clientId).test()));
    } finally {
      slots.release();
    }
  }

  @Override
  public byte[] secagg(String clientId, int round, String stage, byte[] request) throws Exception {
    SecureAggregation participant = participants.get(clientId);
    if (participant == null) {
      throw new IllegalStateException("client '" + clientId + "' holds no update for secure aggregation");
    }
    down.addAndGet(request.length);
    byte[] reply = participant.answer(round, stage, request);
    up.addAndGet(reply.length);
    if (stage.equals(UNMASK)) {
      // the client's part of the round is over: with millions of virtual clients, keeping every
      // participant (and the update it held) would grow with the clients ever sampled
      participants.remove(clientId, participant);
    }
    return reply;
  }

  private void requireKnown(String clientId) {
    if (!known.test(clientId)) {
      throw new IllegalArgumentException("unknown client '" + clientId + "'");
    }
  }

  private FederatedData local(String clientId) {
    FederatedData d = data.apply(clientId);
    if (d == null) {
      throw new IllegalArgumentException("unknown client '" + clientId + "'");
    }
    return d;
  }

  @Override
  public Traffic traffic() {
    return new Traffic(down.get(), up.get());
  }
}
