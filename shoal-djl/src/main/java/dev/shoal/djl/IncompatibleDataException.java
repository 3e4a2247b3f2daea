package dev.shoal.djl;

/**
 * Data a model cannot learn from as it is: examples of another shape than the model takes, a task
 * that needs other outputs than the model gives, no examples at all. The message names the model
 * and what the data has.
 */
public final class IncompatibleDataException extends IllegalArgumentException {

  public IncompatibleDataException(String message) {
    super(message);
  }
}
