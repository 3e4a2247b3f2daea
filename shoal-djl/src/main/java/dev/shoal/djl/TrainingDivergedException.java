package dev.shoal.djl;

/** Local training produced a non-finite loss or parameters, usually from too high a learning rate. */
public final class TrainingDivergedException extends IllegalStateException {

  public TrainingDivergedException(String message) {
    super(message);
  }
}
