package dev.shoal.node;

import dev.shoal.io.AtomicFile;
import dev.shoal.strategy.ScaffoldClient;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's SCAFFOLD control variate cᵢ in its state directory, {@value #NAME}, written atomically
 * after each SCAFFOLD round, so that it outlives a restart of the node. A file that cannot be read
 * (damaged on disk) is set aside as {@value #NAME}.damaged and the node starts again from a zero
 * cᵢ, as in its first SCAFFOLD round: the variate only speeds training up, and a node that refused
 * every round for it would stop contributing.
 */
public record ControlFile(Path file) implements ScaffoldClient.ControlStore {

  private static final Logger log = LoggerFactory.getLogger(ControlFile.class);

  public static final String NAME = "scaffold-control.safetensors";

  /** The control file in {@code stateDir}. */
  public static ControlFile in(Path stateDir) {
    return new ControlFile(stateDir.resolve(NAME));
  }

  @Override
  public Optional<ParameterSet> load() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Safetensors.read(file));
    } catch (IOException | RuntimeException e) {
      Path aside = file.resolveSibling(NAME + ".damaged");
      log.warn("scaffold control variate unreadable, set aside, starting again from zero file=\"{}\" moved_to=\"{}\" reason=\"{}\"",
          file, aside, e.getMessage());
      try {
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException moving) {
        throw new UncheckedIOException("cannot set aside the damaged SCAFFOLD control variate " + file + ": "
            + moving.getMessage(), moving);
      }
      return Optional.empty();
    }
  }

  @Override
  public void save(ParameterSet control) {
    try {
      Files.createDirectories(file.getParent());
      AtomicFile.write(file, Safetensors.encode(control));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the SCAFFOLD control variate " + file + ": " + e.getMessage(), e);
    }
  }
}
