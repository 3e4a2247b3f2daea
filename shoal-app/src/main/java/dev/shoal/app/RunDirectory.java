package dev.shoal.app;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** Where a run writes its outputs when {@code --out} is not given: {@code runs/NAME-TIMESTAMP}. */
final class RunDirectory {

  private RunDirectory() {}

  static Path resolve(Path out, String command) {
    if (out != null) {
      return out;
    }
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    return Path.of("runs", command + "-" + stamp);
  }
}
