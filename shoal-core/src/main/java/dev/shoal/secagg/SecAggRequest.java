package dev.shoal.secagg;

import java.util.List;
import java.util.Map;

/**
 * What the coordinator asks of one client at one stage of a secure aggregation round. Byte
 * arrays inside are not copied; treat them as immutable.
 */
public sealed interface SecAggRequest {

  /** The stage this request belongs to. */
  SecAggStage stage();

  /**
   * Stage {@link SecAggStage#ADVERTISE_KEYS}: the round, its parameters and the client's
   * neighbours in the graph.
   */
  record AdvertiseKeys(int round, SecAggParams params, List<String> neighbours) implements SecAggRequest {
    public AdvertiseKeys {
      if (params == null) {
        throw new IllegalArgumentException("params are required");
      }
      neighbours = List.copyOf(neighbours);
    }

    @Override
    public SecAggStage stage() {
      return SecAggStage.ADVERTISE_KEYS;
    }
  }

  /**
   * Stage {@link SecAggStage#SHARE_KEYS}: the public keys of the client's neighbours that
   * advertised theirs.
   */
  record ShareKeys(Map<String, SecAggReply.Keys> neighbourKeys) implements SecAggRequest {
    public ShareKeys {
      neighbourKeys = Map.copyOf(neighbourKeys);
    }

    @Override
    public SecAggStage stage() {
      return SecAggStage.SHARE_KEYS;
    }
  }

  /**
   * Stage {@link SecAggStage#MASKED_INPUT}: the sealed share messages addressed to this client,
   * by sender, from the neighbours still in the round. The client masks with exactly these
   * neighbours.
   */
  record MaskInput(Map<String, byte[]> sealedBySender) implements SecAggRequest {
    public MaskInput {
      sealedBySender = Map.copyOf(sealedBySender);
    }

    @Override
    public SecAggStage stage() {
      return SecAggStage.MASKED_INPUT;
    }
  }

  /**
   * Stage {@link SecAggStage#UNMASK}: which of the neighbours that shared with this client sent a
   * masked input (survivors: reveal their self-mask shares) and which did not (dropped: reveal
   * their masking-key shares).
   */
  record Unmask(List<String> survivors, List<String> dropped) implements SecAggRequest {
    public Unmask {
      survivors = List.copyOf(survivors);
      dropped = List.copyOf(dropped);
    }

    @Override
    public SecAggStage stage() {
      return SecAggStage.UNMASK;
    }
  }
}
