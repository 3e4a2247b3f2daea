package dev.shoal.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that readers see either the old content or the complete new content, never
 * a part: the bytes go to a temporary file in the same directory, which is flushed to disk and
 * then renamed over the target.
 */
public final class AtomicFile {

  /** Produces a file's content. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicFile() {}

  /** Replaces {@code target} with {@code bytes}, creating its directory if needed. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, out -> out.write(bytes));
  }

  /** Replaces {@code target} with what {@code content} writes, creating its directory if needed. */
  public static void write(Path target, Content content) throws IOException {
    Path file = target.toAbsolutePath();
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path tmp = createTemp(dir, file.getFileName().toString());
    boolean moved = false;
    try {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        content.writeTo(out);
        out.flush();
        channel.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      moved = true;
      syncDirectory(dir);
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** A new empty file next to the target, readable by this user only (0600). */
  private static Path createTemp(Path dir, String name) throws IOException {
    while (true) {
      Path tmp = dir.resolve(
          ".%s.%016x.tmp".formatted(name, ThreadLocalRandom.current().nextLong()));
      try {
        return Files.createFile(tmp, OwnerOnly.fileAttributes());
      } catch (FileAlreadyExistsException e) {
        // another writer picked the same name: draw again
      }
    }
  }

  /** Makes the rename durable where the platform allows opening a directory (Linux, macOS). */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // not supported here (e.g. Windows); the rename itself is still atomic
    }
  }
}
