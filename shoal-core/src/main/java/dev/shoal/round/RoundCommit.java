package dev.shoal.round;

import dev.shoal.tensor.ParameterSet;

/**
 * Makes rounds durable. Unlike a {@link RunListener}, a commit that fails stops the run: a
 * coordinator must not go on with rounds it could not record.
 */
public interface RoundCommit {

  /** Commits nothing: for simulations. */
  RoundCommit NONE = new RoundCommit() {
    @Override
    public void begin(int round) {}

    @Override
    public void complete(RoundMetrics metrics, ParameterSet model) {}
  };

  /** Round {@code round} is about to start. */
  void begin(int round);

  /** Round {@code metrics.round()} produced {@code model}; record both before anyone hears of it. */
  void complete(RoundMetrics metrics, ParameterSet model);

  /**
   * Round {@code metrics.round()} produced {@code model}, with {@code record} (the updates'
   * commitments and contribution scores) for its ledger entry; record them before anyone hears of
   * it. The engine calls this one.
   */
  default void complete(RoundMetrics metrics, ParameterSet model, RoundRecord record) {
    complete(metrics, model);
  }
}
