package dev.shoal.data;

/** Data whose schema is not the one the federation declared; the message names the difference. */
public final class SchemaMismatchException extends IllegalArgumentException {

  public SchemaMismatchException(String message) {
    super(message);
  }
}
