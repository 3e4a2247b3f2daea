package dev.shoal.djl;

/** Parameters whose tensor names or shapes do not fit the model they are given to. */
public final class IncompatibleParametersException extends IllegalArgumentException {

  public IncompatibleParametersException(String message) {
    super(message);
  }
}
