package dev.shoal.strategy;

import java.util.LinkedHashMap;
import java.util.Map;

/** The metadata keys Shoal writes into safetensors files, and how they carry across rounds. */
public final class Metadata {

  /** The model architecture, e.g. {@code mlp}; kept from the initial model onwards. */
  public static final String MODEL = "model";
  /** The round that produced a global model, or that an update was trained in. */
  public static final String ROUND = "round";
  /** How many examples an update was trained on (its FedAvg weight). */
  public static final String NUM_EXAMPLES = "num_examples";
  /**
   * The globs of the trained tensors ({@code --train-params}), comma-separated, when a run trains
   * only part of the model; kept from the initial model onwards.
   */
  public static final String TRAIN_PARAMS = "train_params";
  /** The seed of a built-in model's initialisation, the source of its frozen tensors. */
  public static final String SEED = "seed";
  /** The content id of the global model an update was trained from. */
  public static final String BASE_MODEL = "base_model";

  private Metadata() {}

  /** A global model's metadata for {@code round}: the previous model's, minus update-only keys. */
  public static Map<String, String> forRound(Map<String, String> previous, int round) {
    Map<String, String> m = new LinkedHashMap<>(previous);
    m.remove(NUM_EXAMPLES);
    m.remove(BASE_MODEL);
    m.put(ROUND, Integer.toString(round));
    return m;
  }
}
