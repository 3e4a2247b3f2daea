package dev.shoal.secagg;

/** The four stages of a secure aggregation round, in the order they run. */
public enum SecAggStage {
  /** Each client advertises two fresh X25519 public keys: one for share encryption, one for masks. */
  ADVERTISE_KEYS,
  /** Each client sends every neighbour, sealed, a Shamir share of its self-mask seed and of its masking key. */
  SHARE_KEYS,
  /** Each client uploads its quantized input plus its self mask and its pairwise masks. */
  MASKED_INPUT,
  /** Each surviving client reveals the shares the coordinator needs to remove the masks. */
  UNMASK
}
