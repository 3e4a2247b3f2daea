package dev.shoal.node;

import dev.shoal.io.AtomicFile;
import dev.shoal.strategy.ScaffoldClient;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's SCAFFOLD control variate cᵢ in its state directory, {@value #NAME}, written atomically
 * after each SCAFFOLD round, so that it outlives a restart of the node. The file carries the
 * content id of the variate without it (metadata {@value #CHECKSUM}), so that a flipped byte in its
 * values is found, not trained with. A file that cannot be read or whose values do not match its
 * id (damaged on disk) is set aside as {@value #NAME}.damaged and the node starts again from a zero
 * cᵢ, as in its first SCAFFOLD round: the variate only speeds training up, and a node that refused
 * every round for it would stop contributing.
 */
public record ControlFile(Path file) implements ScaffoldClient.ControlStore {

  private static final Logger log = LoggerFactory.getLogger(ControlFile.class);

  public static final String NAME = "scaffold-control.safetensors";
  /** The metadata key of the variate's content id; a file written before it existed has none and is taken as it is. */
  static final String CHECKSUM = "shoal-control-id";

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
      return Optional.of(checked(Safetensors.read(file)));
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

  /** {@code read} without its checksum, which must be the content id of what is left. */
  private static ParameterSet checked(ParameterSet read) throws IOException {
    Map<String, String> metadata = new HashMap<>(read.metadata());
    String expected = metadata.remove(CHECKSUM);
    ParameterSet control = new ParameterSet(read.tensors(), metadata);
    if (expected != null && !ContentId.of(control).value().equals(expected)) {
      throw new IOException("its values hash to " + ContentId.of(control) + ", and the file says " + expected);
    }
    return control;
  }

  @Override
  public void save(ParameterSet control) {
    try {
      Files.createDirectories(file.getParent());
      Map<String, String> metadata = new HashMap<>(control.metadata());
      metadata.put(CHECKSUM, ContentId.of(control).value());
      AtomicFile.write(file, Safetensors.encode(new ParameterSet(control.tensors(), metadata)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the SCAFFOLD control variate " + file + ": " + e.getMessage(), e);
    }
  }
}
