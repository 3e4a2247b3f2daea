package dev.shoal.node;

import dev.shoal.io.AtomicFile;
import dev.shoal.strategy.ScaffoldClient;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A node's SCAFFOLD control variate cᵢ in its state directory, {@value #NAME}, written atomically
 * after each SCAFFOLD round, so that it outlives a restart of the node.
 */
public record ControlFile(Path file) implements ScaffoldClient.ControlStore {

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
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the SCAFFOLD control variate " + file + ": " + e.getMessage(), e);
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
