package dev.shoal.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where a run writes its outputs. Without {@code --out}: a new directory {@code
 * runs/NAME-TIMESTAMP}, claimed atomically ({@code -2}, {@code -3}, … when two runs start in the
 * same second). With {@code --out}: that directory, unless it already holds a run's outputs —
 * a run does not resume there, and appending a second run to its ledger and metrics would mix
 * two runs up.
 */
final class RunDirectory {

  /** What a run leaves in its directory; any of them means the directory holds a run. */
  static final List<String> OUTPUTS = List.of("metrics.jsonl", "model.safetensors", "ledger", "pki", "state");

  private RunDirectory() {}

  static Path resolve(Path out, String command) {
    return resolve(out, command, Path.of("runs"));
  }

  /** As {@link #resolve(Path, String)}, with the default directories made under {@code runs}. */
  static Path resolve(Path out, String command, Path runs) {
    if (out != null) {
      refuseUsed(out);
      return out;
    }
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path base = runs.resolve(command + "-" + stamp);
    try {
      Files.createDirectories(base.getParent());
      for (int i = 1; ; i++) {
        Path dir = i == 1 ? base : Path.of(base + "-" + i);
        try {
          return Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
          // another run started in the same second: take the next name
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the run directory under " + base.getParent(), e);
    }
  }

  private static void refuseUsed(Path out) {
    List<String> found = OUTPUTS.stream().filter(name -> Files.exists(out.resolve(name))).toList();
    if (!found.isEmpty()) {
      throw new UserError("--out " + out + " already holds a run (" + String.join(", ", found) + "); a run does"
          + " not resume there: give a new --out, or delete that directory to start over");
    }
  }

  /** Removes {@code dir} if the run put nothing into it (it failed before writing anything). */
  static void releaseIfEmpty(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      if (entries.findAny().isEmpty()) {
        Files.delete(dir);
      }
    } catch (IOException e) {
      // nothing to tidy up, or it cannot be: the run's own error says what went wrong
    }
  }
}
