package dev.shoal.secagg;

import dev.shoal.secagg.SecAggReply.Keys;
import dev.shoal.secagg.SecAggReply.MaskedInput;
import dev.shoal.secagg.SecAggReply.Shares;
import dev.shoal.secagg.SecAggReply.Unmasking;
import dev.shoal.secagg.SecAggRequest.AdvertiseKeys;
import dev.shoal.secagg.SecAggRequest.MaskInput;
import dev.shoal.secagg.SecAggRequest.ShareKeys;
import dev.shoal.secagg.SecAggRequest.Unmask;
import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's side of one secure aggregation round. It never sees an input in the clear:
 * masked inputs are folded into a running sum mod 2^bits as they arrive and not kept, and the
 * masks are removed from the sum only, once the survivors are known.
 *
 * <p>Use: for each stage, send {@link #requests()} to the clients, pass each reply to
 * {@link #accept}, report clients that failed with {@link #drop}, then call {@link #endStage()};
 * after the {@link SecAggStage#UNMASK} stage {@link #result()} holds the sum. {@code accept} and
 * {@code drop} may be called from several threads.
 *
 * <p>Dropouts: a reply that fails validation drops its client, with the reason. Before the masked
 * uploads, a client left with fewer than t neighbours in the round is excluded (its secrets could
 * not be recovered), which may exclude others in turn. After the uploads, the round is aborted
 * with a {@link SecAggAbortedException} if fewer than t clients uploaded, or if some client whose
 * masks are in the sum has fewer than t neighbours left to reveal its shares.
 */
public final class SecAggServer {

  private static final Logger log = LoggerFactory.getLogger(SecAggServer.class);

  private final SecAggParams params;
  private final int round;
  private final NeighbourGraph graph;
  private final int vectorLength;
  private final int threshold;

  private SecAggStage stage = SecAggStage.ADVERTISE_KEYS;
  private boolean done;
  /** Clients asked at this stage that have not answered. */
  private final Set<String> pending = new TreeSet<>();
  /** Clients that answered this stage. */
  private final Set<String> answered = new TreeSet<>();
  private final List<SecAggDropout> dropouts = new ArrayList<>();
  private int droppedThisStage;

  private final Map<String, Keys> keys = new HashMap<>();
  /** U2: clients whose shares are forwarded; by sender, then receiver. */
  private final Map<String, Map<String, byte[]>> sealed = new HashMap<>();
  private Set<String> sharing = new TreeSet<>();
  private Set<String> uploaded = new TreeSet<>();
  private final int[] sum;
  private final Map<String, List<Shamir.Share>> selfMaskShares = new HashMap<>();
  private final Map<String, List<Shamir.Share>> keyShares = new HashMap<>();
  private Map<String, SecAggRequest> requests;
  private SecAggResult result;

  /** A round over a fresh random graph of {@code params.degree()}. */
  public SecAggServer(SecAggParams params, int round, List<String> participants, int vectorLength,
      SecureRandom random) {
    this(params, round, checked(params, participants, random), vectorLength);
  }

  /** A round over a given graph, whose degree must be {@code params.degree()}. */
  SecAggServer(SecAggParams params, int round, NeighbourGraph graph, int vectorLength) {
    params.check(graph.participants().size());
    if (graph.degree() != params.degree()) {
      throw new IllegalArgumentException(
          "the graph has degree " + graph.degree() + " but the parameters say " + params.degree());
    }
    if (vectorLength < 0) {
      throw new IllegalArgumentException("the vector length must be non-negative, got " + vectorLength);
    }
    this.params = params;
    this.round = round;
    this.graph = graph;
    this.vectorLength = vectorLength;
    this.threshold = params.threshold();
    this.sum = new int[vectorLength];
    pending.addAll(graph.participants());
    requests = advertiseRequests();
  }

  private static NeighbourGraph checked(SecAggParams params, List<String> participants, SecureRandom random) {
    params.check(participants.size());
    return NeighbourGraph.random(participants, params.degree(), random);
  }

  public int round() {
    return round;
  }

  public SecAggParams params() {
    return params;
  }

  NeighbourGraph graph() {
    return graph;
  }

  public int vectorLength() {
    return vectorLength;
  }

  /** The stage whose replies are awaited. */
  public synchronized SecAggStage stage() {
    return stage;
  }

  /** Whether the round has completed (its result is ready). */
  public synchronized boolean done() {
    return done;
  }

  /** The request for each client asked at this stage. */
  public synchronized Map<String, SecAggRequest> requests() {
    return Collections.unmodifiableMap(requests);
  }

  /** The clients that left the round so far. */
  public synchronized List<SecAggDropout> dropouts() {
    return List.copyOf(dropouts);
  }

  /**
   * Takes one client's reply to this stage's request. A reply that fails validation drops the
   * client. A reply from a client not (or no longer) awaited is ignored.
   *
   * @return whether the reply was accepted
   */
  public synchronized boolean accept(String client, SecAggReply reply) {
    if (done || !pending.contains(client)) {
      return false;
    }
    String problem = reply == null ? "no reply" : validate(client, reply);
    if (problem != null) {
      drop(client, problem);
      return false;
    }
    switch (reply) {
      case Keys k -> keys.put(client, k);
      case Shares s -> sealed.put(client, new HashMap<>(s.sealedByReceiver()));
      case MaskedInput m -> {
        ModVectors.addInto(sum, m.masked(), params.bits()); // folded, not kept
        uploaded.add(client);
      }
      case Unmasking u -> {
        u.selfMaskShares().forEach((v, s) -> selfMaskShares.computeIfAbsent(v, x -> new ArrayList<>()).add(s));
        u.keyShares().forEach((v, s) -> keyShares.computeIfAbsent(v, x -> new ArrayList<>()).add(s));
      }
    }
    pending.remove(client);
    answered.add(client);
    return true;
  }

  /** Drops a client awaited at this stage, with the reason; ignored for a client not awaited. */
  public synchronized void drop(String client, String reason) {
    if (done || !pending.remove(client)) {
      return;
    }
    record(client, reason);
  }

  private void record(String client, String reason) {
    dropouts.add(new SecAggDropout(client, stage, reason));
    droppedThisStage++;
    log.info("secagg client dropped round={} client={} stage={} reason=\"{}\"", round, client, stage, reason);
  }

  /**
   * Closes this stage: clients that have not answered are dropped, the abort rules are applied,
   * and the next stage's requests are made. After UNMASK, removes the masks and makes the result.
   *
   * @throws SecAggAbortedException if the round cannot complete
   */
  public synchronized void endStage() throws SecAggAbortedException {
    if (done) {
      throw new IllegalStateException("the round is already complete");
    }
    for (String c : List.copyOf(pending)) {
      drop(c, "no reply");
    }
    Set<String> in = new TreeSet<>(answered);
    SecAggStage closing = stage;
    switch (closing) {
      case ADVERTISE_KEYS -> {
        exclude(in, "advertised keys");
        requireThreshold(in, "clients are left after advertising keys");
        requests = shareRequests(in);
        stage = SecAggStage.SHARE_KEYS;
      }
      case SHARE_KEYS -> {
        exclude(in, "shared their keys");
        requireThreshold(in, "clients are left after sharing keys");
        sharing = in;
        requests = maskRequests();
        stage = SecAggStage.MASKED_INPUT;
      }
      case MASKED_INPUT -> {
        uploaded = in;
        requireThreshold(in, "clients uploaded a masked input");
        checkRecoverable(in, "survive");
        requests = unmaskRequests();
        stage = SecAggStage.UNMASK;
      }
      case UNMASK -> {
        checkRecoverable(in, "answered UNMASK");
        result = unmaskedResult();
        done = true;
      }
    }
    log.info("secagg stage done round={} stage={} clients={} dropped={}", round, closing, in.size(), droppedThisStage);
    droppedThisStage = 0;
    answered.clear();
    pending.clear();
    if (!done) {
      pending.addAll(requests.keySet());
    }
  }

  /** The round's outcome, once {@link #done()}. */
  public synchronized SecAggResult result() {
    if (!done) {
      throw new IllegalStateException("the round is at stage " + stage + ", not complete");
    }
    return result;
  }

  /** Removes, until none is left, clients with fewer than t neighbours in {@code in}. */
  private void exclude(Set<String> in, String what) {
    boolean changed = true;
    while (changed) {
      changed = false;
      for (String c : List.copyOf(in)) {
        int left = liveNeighbours(c, in).size();
        if (left < threshold) {
          in.remove(c);
          record(c, "only " + left + " of its " + params.degree() + " neighbours " + what
              + ", fewer than the threshold t = " + threshold + " its secrets need; excluded");
          changed = true;
        }
      }
    }
  }

  private void requireThreshold(Set<String> in, String what) throws SecAggAbortedException {
    if (in.size() < threshold) {
      throw new SecAggAbortedException(stage,
          "only " + in.size() + " " + what + ", fewer than the threshold t = " + threshold);
    }
  }

  /**
   * Every uploader's self mask, and the masking key of every sharer that did not upload but has
   * an uploading neighbour, needs t neighbours among {@code holders}.
   */
  private void checkRecoverable(Set<String> holders, String what) throws SecAggAbortedException {
    for (String u : uploaded) {
      int left = liveNeighbours(u, holders).size();
      if (left < threshold) {
        throw new SecAggAbortedException(stage,
            "the self mask of " + u + " is in the sum but only " + left + " of its neighbours " + what
                + ", fewer than the threshold t = " + threshold + " needed to rebuild it");
      }
    }
    for (String d : sharing) {
      if (!uploaded.contains(d) && !liveNeighbours(d, uploaded).isEmpty()) {
        int left = liveNeighbours(d, holders).size();
        if (left < threshold) {
          throw new SecAggAbortedException(stage,
              d + " dropped after masking with neighbours that uploaded, but only " + left + " of its neighbours "
                  + what + ", fewer than the threshold t = " + threshold + " needed to rebuild its masking key");
        }
      }
    }
  }

  private List<String> liveNeighbours(String c, Set<String> in) {
    return graph.neighbours(c).stream().filter(in::contains).toList();
  }

  private Map<String, SecAggRequest> advertiseRequests() {
    Map<String, SecAggRequest> r = new LinkedHashMap<>();
    for (String c : graph.participants()) {
      r.put(c, new AdvertiseKeys(round, params, graph.neighbours(c)));
    }
    return r;
  }

  private Map<String, SecAggRequest> shareRequests(Set<String> in) {
    Map<String, SecAggRequest> r = new LinkedHashMap<>();
    for (String c : in) {
      Map<String, Keys> k = new TreeMap<>();
      for (String v : liveNeighbours(c, in)) {
        k.put(v, keys.get(v));
      }
      r.put(c, new ShareKeys(k));
    }
    return r;
  }

  private Map<String, SecAggRequest> maskRequests() {
    Map<String, SecAggRequest> r = new LinkedHashMap<>();
    for (String c : sharing) {
      Map<String, byte[]> k = new TreeMap<>();
      for (String v : liveNeighbours(c, sharing)) {
        k.put(v, sealed.get(v).get(c));
      }
      r.put(c, new MaskInput(k));
    }
    sealed.clear();
    return r;
  }

  private Map<String, SecAggRequest> unmaskRequests() {
    Map<String, SecAggRequest> r = new LinkedHashMap<>();
    for (String c : uploaded) {
      List<String> survivors = new ArrayList<>();
      List<String> dropped = new ArrayList<>();
      for (String v : liveNeighbours(c, sharing)) {
        (uploaded.contains(v) ? survivors : dropped).add(v);
      }
      r.put(c, new Unmask(survivors, dropped));
    }
    return r;
  }

  private String validate(String client, SecAggReply reply) {
    SecAggRequest request = requests.get(client);
    if (reply.stage() != stage) {
      return "answered a " + stage + " request with a " + reply.stage() + " reply";
    }
    return switch (reply) {
      case Keys k -> validateKeys(k);
      case Shares s -> {
        Set<String> expected = ((ShareKeys) request).neighbourKeys().keySet();
        if (!s.sealedByReceiver().keySet().equals(expected)) {
          yield "sent shares to " + new TreeSet<>(s.sealedByReceiver().keySet()) + ", expected exactly "
              + new TreeSet<>(expected);
        }
        for (var e : s.sealedByReceiver().entrySet()) {
          if (e.getValue() == null || e.getValue().length != ShareMessage.SEALED_BYTES) {
            yield "the sealed share for " + e.getKey() + " is " + (e.getValue() == null ? "null" : e.getValue().length)
                + " bytes, expected " + ShareMessage.SEALED_BYTES;
          }
        }
        yield null;
      }
      case MaskedInput m -> {
        if (m.masked().length != vectorLength) {
          yield "the masked input has " + m.masked().length + " values, expected " + vectorLength;
        }
        if (params.bits() < 32) {
          int high = ~ModVectors.mask(params.bits());
          for (int i = 0; i < m.masked().length; i++) {
            if ((m.masked()[i] & high) != 0) {
              yield "masked value " + i + " is not below 2^" + params.bits();
            }
          }
        }
        yield null;
      }
      case Unmasking u -> {
        Unmask asked = (Unmask) request;
        if (!u.selfMaskShares().keySet().equals(Set.copyOf(asked.survivors()))
            || !u.keyShares().keySet().equals(Set.copyOf(asked.dropped()))) {
          yield "revealed shares for other clients than asked";
        }
        for (Shamir.Share s : concat(u)) {
          if (s.threshold() != threshold || s.x() > params.degree()) {
            yield "revealed a share with threshold " + s.threshold() + " and x = " + s.x()
                + ", expected threshold " + threshold + " and x in 1.." + params.degree();
          }
        }
        yield null;
      }
    };
  }

  private static List<Shamir.Share> concat(Unmasking u) {
    List<Shamir.Share> all = new ArrayList<>(u.selfMaskShares().values());
    all.addAll(u.keyShares().values());
    return all;
  }

  private static String validateKeys(Keys k) {
    if (k.encryptionKey().length != KeyAgreement.KEY_BYTES || k.maskingKey().length != KeyAgreement.KEY_BYTES) {
      return "public keys are " + KeyAgreement.KEY_BYTES + " bytes, got " + k.encryptionKey().length + " and "
          + k.maskingKey().length;
    }
    if (Arrays.equals(k.encryptionKey(), k.maskingKey())) {
      return "the encryption and masking keys are the same";
    }
    try {
      KeyAgreement.decodePublic(k.encryptionKey());
      KeyAgreement.decodePublic(k.maskingKey());
    } catch (IllegalArgumentException e) {
      return "not an X25519 public key: " + e.getMessage();
    }
    return null;
  }

  private SecAggResult unmaskedResult() throws SecAggAbortedException {
    int bits = params.bits();
    for (String u : uploaded) {
      byte[] seed = rebuild(u, selfMaskShares.get(u), "self-mask seed");
      MaskGenerator.subtractInto(sum, seed, bits);
    }
    for (String d : sharing) {
      List<String> maskedWith = liveNeighbours(d, uploaded);
      if (uploaded.contains(d) || maskedWith.isEmpty()) {
        continue;
      }
      byte[] raw = rebuild(d, keyShares.get(d), "masking key");
      PrivateKey key;
      try {
        key = KeyAgreement.decodePrivate(raw);
      } catch (IllegalArgumentException e) {
        throw new SecAggAbortedException(stage, "the shares of the masking key of " + d + " rebuild no X25519 key");
      }
      if (!Arrays.equals(KeyAgreement.encodePublic(KeyAgreement.publicKeyOf(key)), keys.get(d).maskingKey())) {
        throw new SecAggAbortedException(stage,
            "the shares of the masking key of " + d + " rebuild a key other than the one it advertised");
      }
      for (String u : maskedWith) {
        byte[] secret;
        try {
          secret = KeyAgreement.sharedSecret(key, KeyAgreement.decodePublic(keys.get(u).maskingKey()));
        } catch (InvalidKeyException e) {
          throw new SecAggAbortedException(stage, "the masking key of " + u + " is not usable");
        }
        byte[] seed = PairSeeds.derive(secret, u, d, round);
        // u added +PRG when d < u and -PRG when d > u; undo it
        if (d.compareTo(u) < 0) {
          MaskGenerator.subtractInto(sum, seed, bits);
        } else {
          MaskGenerator.addInto(sum, seed, bits);
        }
      }
    }
    float[] decoded = params.quantizer(graph.participants().size()).decodeSum(sum, uploaded.size());
    Arrays.fill(sum, 0);
    return new SecAggResult(decoded, List.copyOf(uploaded), dropouts, Map.of());
  }

  private byte[] rebuild(String owner, List<Shamir.Share> shares, String what) throws SecAggAbortedException {
    int got = shares == null ? 0 : shares.size();
    if (got < threshold) {
      throw new SecAggAbortedException(stage,
          "only " + got + " shares of the " + what + " of " + owner + " were revealed, fewer than the threshold t = "
              + threshold);
    }
    try {
      return Shamir.combine(shares);
    } catch (IllegalArgumentException e) {
      throw new SecAggAbortedException(stage, "the shares of the " + what + " of " + owner + " do not combine: "
          + e.getMessage());
    }
  }
}
