package dev.shoal.store;

/** A run was resumed with a configuration other than the one it was started with. */
public class ConfigMismatchException extends StoreException {

  public ConfigMismatchException(String message) {
    super(message);
  }
}
