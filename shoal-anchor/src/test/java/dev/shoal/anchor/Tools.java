package dev.shoal.anchor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository and its pinned npm tools (tools/node_modules) are. */
public final class Tools {

  private Tools() {
  }

  /** The repository root, passed by the build as {@code shoal.root}. */
  public static Path root() {
    String root = System.getProperty("shoal.root");
    if (root == null) {
      throw new IllegalStateException("system property shoal.root is not set; run the tests through Maven");
    }
    return Path.of(root).toAbsolutePath().normalize();
  }

  static boolean solcInstalled() {
    return Files.isDirectory(root().resolve("tools/node_modules/solc"));
  }

  /** The {@code node} executable; fails with what to install when there is none on PATH. */
  public static String node() {
    try {
      Process probe = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
      probe.getInputStream().readAllBytes();
      if (probe.waitFor() == 0) {
        return "node";
      }
    } catch (IOException e) {
      // fall through to the message below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new IllegalStateException("node (20 or later) is needed on PATH to run the pinned tools in tools/");
  }
}
