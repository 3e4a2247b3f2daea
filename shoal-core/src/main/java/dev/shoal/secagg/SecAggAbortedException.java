package dev.shoal.secagg;

/**
 * A secure aggregation round cannot complete: too few clients are left at some stage to remove
 * the masks of the inputs already summed, or to keep the threshold the round was set up with.
 * Nothing about any input is released.
 */
public class SecAggAbortedException extends Exception {

  private final SecAggStage stage;

  public SecAggAbortedException(SecAggStage stage, String reason) {
    super("secure aggregation aborted at stage " + stage + ": " + reason);
    this.stage = stage;
  }

  /** The stage at whose end the round was aborted. */
  public SecAggStage stage() {
    return stage;
  }
}
