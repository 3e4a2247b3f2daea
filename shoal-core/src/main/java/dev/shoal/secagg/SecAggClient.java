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
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One client's side of one secure aggregation round. Requests must come in stage order, once
 * each; a request out of order is refused with an {@link IllegalStateException} naming the
 * expected stage.
 *
 * <p>A client that refuses a request (it throws) is out of the round: every later request is
 * refused too. That is what keeps it from ever revealing both shares of one neighbour, whatever
 * it is asked: it answers one {@link Unmask}, and only if its survivor and dropped lists are
 * disjoint.
 *
 * <p>A sealed share that does not authenticate (tampered with, or addressed to another client)
 * makes {@link #mask} throw a {@link TamperedShareException} naming the sender: the client
 * refuses the round rather than mask with a neighbour whose shares it cannot hold, and the
 * coordinator counts it as dropped at {@link SecAggStage#MASKED_INPUT}, which the protocol
 * survives like any other dropout.
 */
public final class SecAggClient {

  private final String self;
  private final SecureRandom random;

  private SecAggStage expected = SecAggStage.ADVERTISE_KEYS;
  private boolean refused;

  private int round;
  private SecAggParams params;
  private Set<String> neighbours;
  private KeyPair encryptionKeys;
  private KeyPair maskingKeys;
  private byte[] selfMaskSeed;
  private Map<String, Keys> neighbourKeys;
  private Map<String, ShareMessage> held;

  public SecAggClient(String self, SecureRandom random) {
    if (self == null || self.isEmpty()) {
      throw new IllegalArgumentException("a client needs a non-empty name");
    }
    this.self = self;
    this.random = random;
  }

  /** The client's name. */
  public String name() {
    return self;
  }

  /** The stage of the next request this client accepts; null once it is done or out of the round. */
  public SecAggStage expectedStage() {
    return refused ? null : expected;
  }

  /** Answers any request; {@code values} is used only at {@link SecAggStage#MASKED_INPUT}. */
  public SecAggReply handle(SecAggRequest request, float[] values) throws TamperedShareException {
    return switch (request) {
      case AdvertiseKeys r -> advertise(r);
      case ShareKeys r -> share(r);
      case MaskInput r -> mask(r, values);
      case Unmask r -> unmask(r);
    };
  }

  /** Stage ADVERTISE_KEYS: draws two X25519 key pairs and the self-mask seed. */
  public synchronized Keys advertise(AdvertiseKeys request) {
    enter(SecAggStage.ADVERTISE_KEYS);
    try {
      request.params().checkNeighbourhood();
      Set<String> set = new TreeSet<>();
      for (String v : request.neighbours()) {
        if (v == null || v.isEmpty() || v.equals(self) || !set.add(v)) {
          throw new IllegalArgumentException(
              "the neighbour list must name distinct other clients, got " + request.neighbours());
        }
      }
      if (set.size() != request.params().degree()) {
        throw new IllegalArgumentException(
            "degree is " + request.params().degree() + " but " + set.size() + " neighbours were named");
      }
      round = request.round();
      params = request.params();
      neighbours = set;
      encryptionKeys = KeyAgreement.generate(random);
      maskingKeys = KeyAgreement.generate(random);
      selfMaskSeed = new byte[MaskGenerator.SEED_BYTES];
      random.nextBytes(selfMaskSeed);
      expected = SecAggStage.SHARE_KEYS;
      return new Keys(KeyAgreement.encodePublic(encryptionKeys.getPublic()),
          KeyAgreement.encodePublic(maskingKeys.getPublic()));
    } catch (RuntimeException e) {
      refused = true;
      throw e;
    }
  }

  /**
   * Stage SHARE_KEYS: splits the self-mask seed and the masking private key t-of-m among the m
   * neighbours that advertised keys, and seals each neighbour's pair of shares to it.
   */
  public synchronized Shares share(ShareKeys request) {
    enter(SecAggStage.SHARE_KEYS);
    try {
      Map<String, Keys> keys = new TreeMap<>(request.neighbourKeys());
      for (String v : keys.keySet()) {
        if (!neighbours.contains(v)) {
          throw new IllegalArgumentException("keys were sent for " + v + ", who is not a neighbour of " + self);
        }
      }
      requireAtLeastThreshold(keys.size(), "neighbours advertised keys");
      Set<String> distinct = new HashSet<>();
      distinct.add(hex(KeyAgreement.encodePublic(encryptionKeys.getPublic())));
      distinct.add(hex(KeyAgreement.encodePublic(maskingKeys.getPublic())));
      for (var e : keys.entrySet()) {
        if (!distinct.add(hex(e.getValue().encryptionKey())) || !distinct.add(hex(e.getValue().maskingKey()))) {
          throw new IllegalArgumentException("the public keys of " + e.getKey() + " repeat a key already seen");
        }
      }
      int m = keys.size();
      int t = params.threshold();
      List<Shamir.Share> seedShares = Shamir.split(selfMaskSeed, t, m, random);
      List<Shamir.Share> keyShares =
          Shamir.split(KeyAgreement.encodePrivate(maskingKeys.getPrivate()), t, m, random);
      Map<String, byte[]> sealed = new HashMap<>();
      int i = 0;
      for (var e : keys.entrySet()) {
        String v = e.getKey();
        byte[] secret = agree(encryptionKeys.getPrivate(), e.getValue().encryptionKey(), v);
        byte[] plain = new ShareMessage(seedShares.get(i), keyShares.get(i)).encode();
        sealed.put(v, ShareCipher.forMessage(secret, self, v, round).seal(plain, random));
        i++;
      }
      neighbourKeys = keys;
      expected = SecAggStage.MASKED_INPUT;
      return new Shares(sealed);
    } catch (RuntimeException e) {
      refused = true;
      throw e;
    }
  }

  /**
   * Stage MASKED_INPUT: opens the shares sent to this client, then uploads
   * y = quantize(x) + PRG(b) + Σ_{v &lt; self} PRG(s_v) − Σ_{v &gt; self} PRG(s_v) mod 2^bits over the
   * neighbours v whose shares it holds.
   *
   * @throws TamperedShareException if a sealed share does not authenticate; the message names the
   *     sender
   */
  public synchronized MaskedInput mask(MaskInput request, float[] values) throws TamperedShareException {
    enter(SecAggStage.MASKED_INPUT);
    try {
      if (values == null) {
        throw new IllegalArgumentException("the input values are required");
      }
      Map<String, byte[]> sealed = new TreeMap<>(request.sealedBySender());
      for (String v : sealed.keySet()) {
        if (!neighbourKeys.containsKey(v)) {
          throw new IllegalArgumentException(
              "a share came from " + v + ", who did not advertise keys as a neighbour of " + self);
        }
      }
      requireAtLeastThreshold(sealed.size(), "neighbours sent shares");
      Map<String, ShareMessage> opened = new TreeMap<>();
      for (var e : sealed.entrySet()) {
        String v = e.getKey();
        byte[] secret = agree(encryptionKeys.getPrivate(), neighbourKeys.get(v).encryptionKey(), v);
        byte[] plain;
        try {
          plain = ShareCipher.forMessage(secret, v, self, round).open(e.getValue());
        } catch (TamperedShareException x) {
          throw new TamperedShareException(
              "the sealed share from " + v + " to " + self + " in round " + round + " was refused: " + x.getMessage(), x);
        }
        ShareMessage message = ShareMessage.decode(plain);
        if (message.selfMaskShare().threshold() != params.threshold()
            || message.keyShare().threshold() != params.threshold()) {
          throw new IllegalArgumentException(
              "the shares from " + v + " are for another threshold than t = " + params.threshold());
        }
        opened.put(v, message);
      }
      held = opened;
      int[] masked = params.quantizer(1).encode(values);
      addMasks(masked);
      expected = SecAggStage.UNMASK;
      return new MaskedInput(masked);
    } catch (TamperedShareException | RuntimeException e) {
      refused = true;
      throw e;
    }
  }

  /**
   * Stage UNMASK: reveals the self-mask share of each named survivor and the masking-key share of
   * each named dropped neighbour. Refuses a name in both lists, a name whose shares this client
   * does not hold, a repeated name, and fewer than t survivors.
   */
  public synchronized Unmasking unmask(Unmask request) {
    enter(SecAggStage.UNMASK);
    try {
      Set<String> survivors = new HashSet<>();
      for (String v : request.survivors()) {
        if (!survivors.add(v)) {
          throw new IllegalArgumentException("survivor " + v + " is named twice");
        }
      }
      Set<String> dropped = new HashSet<>();
      for (String v : request.dropped()) {
        if (survivors.contains(v)) {
          throw new IllegalArgumentException(
              v + " is named both a survivor and dropped: revealing both its self-mask share and its masking-key "
                  + "share would unmask its input; refused");
        }
        if (!dropped.add(v)) {
          throw new IllegalArgumentException("dropped client " + v + " is named twice");
        }
      }
      for (String v : concat(request.survivors(), request.dropped())) {
        if (!held.containsKey(v)) {
          throw new IllegalArgumentException(v + " is not a neighbour that shared with " + self);
        }
      }
      if (survivors.size() < params.threshold()) {
        throw new IllegalArgumentException(
            "only " + survivors.size() + " survivors named, fewer than the threshold t = " + params.threshold()
                + ": the sum would cover too few inputs; refused");
      }
      Map<String, Shamir.Share> selfMask = new HashMap<>();
      for (String v : survivors) {
        selfMask.put(v, held.get(v).selfMaskShare());
      }
      Map<String, Shamir.Share> key = new HashMap<>();
      for (String v : dropped) {
        key.put(v, held.get(v).keyShare());
      }
      refused = true; // done: one answer only
      return new Unmasking(selfMask, key);
    } catch (RuntimeException e) {
      refused = true;
      throw e;
    }
  }

  /** The sum of this client's masks for a vector of {@code length}: what {@link #mask} adds. */
  int[] masks(int length) {
    int[] total = new int[length];
    addMasks(total);
    return total;
  }

  private void addMasks(int[] total) {
    int bits = params.bits();
    MaskGenerator.addInto(total, selfMaskSeed, bits);
    for (String v : held.keySet()) {
      byte[] secret = agree(maskingKeys.getPrivate(), neighbourKeys.get(v).maskingKey(), v);
      byte[] seed = PairSeeds.derive(secret, self, v, round);
      if (v.compareTo(self) < 0) {
        MaskGenerator.addInto(total, seed, bits);
      } else {
        MaskGenerator.subtractInto(total, seed, bits);
      }
    }
  }

  private void enter(SecAggStage stage) {
    if (refused) {
      throw new IllegalStateException(self + " is out of this round (it refused a request or has answered UNMASK); "
          + stage + " refused");
    }
    if (stage != expected) {
      throw new IllegalStateException(
          self + " expects a " + expected + " request next, got " + stage + ": stages run in order, once each");
    }
  }

  private void requireAtLeastThreshold(int count, String what) {
    if (count < params.threshold()) {
      throw new IllegalArgumentException(
          "only " + count + " " + what + ", fewer than the threshold t = " + params.threshold()
              + ": this client's secrets could not be recovered; refused");
    }
  }

  private static byte[] agree(PrivateKey own, byte[] peerRaw, String peer) {
    try {
      PublicKey pk = KeyAgreement.decodePublic(peerRaw);
      return KeyAgreement.sharedSecret(own, pk);
    } catch (InvalidKeyException | IllegalArgumentException e) {
      throw new IllegalArgumentException("the public key of " + peer + " is not a usable X25519 key", e);
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static String hex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }
}
