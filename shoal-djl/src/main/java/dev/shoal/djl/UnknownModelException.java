package dev.shoal.djl;

import java.util.Collection;

/** A model name that is not registered in the {@link ModelZoo}. */
public final class UnknownModelException extends IllegalArgumentException {

  public UnknownModelException(String name, Collection<String> known) {
    super(
        "unknown model '%s'; known models: %s (register your own with ModelZoo.register)"
            .formatted(name, String.join(", ", known)));
  }
}
