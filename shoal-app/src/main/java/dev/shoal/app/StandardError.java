package dev.shoal.app;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Where Shoal's logs and error messages go. The {@code shoal} launcher passes {@code
 * -Dshoal.stderr=/dev/fd/3}, a copy of its stderr, and keeps the JVM's own stderr for native
 * output (libtorch writes a deprecation notice there that the launcher leaves out); without the
 * property, Shoal writes to the JVM's stderr as usual.
 */
final class StandardError {

  private StandardError() {}

  static void takeOver() {
    String target = System.getProperty("shoal.stderr");
    if (target == null || target.isBlank()) {
      return;
    }
    try {
      // appending: when stderr is a file, reopening it must not write over what is there
      System.setErr(new PrintStream(new FileOutputStream(target, true), true, StandardCharsets.UTF_8));
    } catch (IOException e) {
      System.err.println("shoal: cannot write to " + target + " (" + e.getMessage() + "); logging to stderr");
    }
  }
}
