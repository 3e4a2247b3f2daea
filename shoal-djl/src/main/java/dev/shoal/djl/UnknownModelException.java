package dev.shoal.djl;

import java.util.Collection;

/** A model name that is not registered in the {@link ModelZoo}. */
public final class UnknownModelException extends IllegalArgumentException {

  public UnknownModelException(String name, Collection<String> known) {
    super(
        "unknown model '%s': use --model with one of %s (docs/custom-model.md tells how to add your own)"
            .formatted(name, String.join(", ", known)));
  }
}
