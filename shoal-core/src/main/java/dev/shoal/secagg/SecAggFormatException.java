package dev.shoal.secagg;

/** Bytes that are not a well-formed secure aggregation message; the message says what is wrong. */
public class SecAggFormatException extends IllegalArgumentException {

  public SecAggFormatException(String message) {
    super(message);
  }

  public SecAggFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
