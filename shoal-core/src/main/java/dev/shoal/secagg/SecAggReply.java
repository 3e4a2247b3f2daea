package dev.shoal.secagg;

import java.util.Map;

/**
 * What one client answers the coordinator at one stage of a secure aggregation round. Arrays
 * inside are not copied; treat them as immutable.
 */
public sealed interface SecAggReply {

  /** The stage this reply answers. */
  SecAggStage stage();

  /**
   * Stage {@link SecAggStage#ADVERTISE_KEYS}: two fresh X25519 public keys, raw 32 bytes each:
   * {@code encryptionKey} (c) to agree share-encryption keys, {@code maskingKey} (s) to agree
   * pairwise mask seeds.
   */
  record Keys(byte[] encryptionKey, byte[] maskingKey) implements SecAggReply {
    public Keys {
      if (encryptionKey == null || maskingKey == null) {
        throw new IllegalArgumentException("both public keys are required");
      }
    }

    @Override
    public SecAggStage stage() {
      return SecAggStage.ADVERTISE_KEYS;
    }
  }

  /**
   * Stage {@link SecAggStage#SHARE_KEYS}: for each neighbour, by name, the sealed message holding
   * this client's shares of its self-mask seed and of its masking private key.
   */
  record Shares(Map<String, byte[]> sealedByReceiver) implements SecAggReply {
    public Shares {
      sealedByReceiver = Map.copyOf(sealedByReceiver);
    }

    @Override
    public SecAggStage stage() {
      return SecAggStage.SHARE_KEYS;
    }
  }

  /** Stage {@link SecAggStage#MASKED_INPUT}: the masked, quantized input, residues mod 2^bits. */
  record MaskedInput(int[] masked) implements SecAggReply {
    public MaskedInput {
      if (masked == null) {
        throw new IllegalArgumentException("the masked vector is required");
      }
    }

    @Override
    public SecAggStage stage() {
      return SecAggStage.MASKED_INPUT;
    }
  }

  /**
   * Stage {@link SecAggStage#UNMASK}: the shares this client holds of each survivor's self-mask
   * seed and of each dropped neighbour's masking private key, by the owner's name.
   */
  record Unmasking(Map<String, Shamir.Share> selfMaskShares, Map<String, Shamir.Share> keyShares)
      implements SecAggReply {
    public Unmasking {
      selfMaskShares = Map.copyOf(selfMaskShares);
      keyShares = Map.copyOf(keyShares);
    }

    @Override
    public SecAggStage stage() {
      return SecAggStage.UNMASK;
    }
  }
}
