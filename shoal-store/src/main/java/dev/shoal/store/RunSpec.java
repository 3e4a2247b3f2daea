package dev.shoal.store;

import dev.shoal.tensor.ContentId;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What identifies a run: its name and configuration. Opening a run by name again resumes it, and
 * is refused if the configuration hash differs.
 *
 * @param configHash a hash of the normalized configuration, such as a {@link ContentId} value
 * @param configText the configuration as the user wrote it, kept for inspection
 */
public record RunSpec(String name, String configHash, String configText, long seed, int totalRounds) {

  public RunSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(configHash, "configHash");
    Objects.requireNonNull(configText, "configText");
    if (name.isBlank()) {
      throw new IllegalArgumentException("run name must not be blank");
    }
    if (configHash.isBlank()) {
      throw new IllegalArgumentException("config hash of run '" + name + "' must not be blank");
    }
    if (totalRounds < 1) {
      throw new IllegalArgumentException(
          "total rounds of run '" + name + "' must be >= 1, got " + totalRounds);
    }
  }

  /** A spec whose config hash is the content id of {@code configText}'s UTF-8 bytes. */
  public static RunSpec of(String name, String configText, long seed, int totalRounds) {
    String hash = ContentId.of(configText.getBytes(StandardCharsets.UTF_8)).value();
    return new RunSpec(name, hash, configText, seed, totalRounds);
  }
}
