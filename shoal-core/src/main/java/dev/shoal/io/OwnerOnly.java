package dev.shoal.io;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Keeps what Shoal stores readable by its own user only: directories 0700, files 0600. Models,
 * updates, the run store and the ledger say what the federation trained on; other local users
 * have no business reading them. On a file system without POSIX permissions nothing changes.
 */
public final class OwnerOnly {

  public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private OwnerOnly() {}

  /** Attributes that create a file with mode 0600 (none where POSIX permissions do not exist). */
  public static FileAttribute<?>[] fileAttributes() {
    return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
  }

  /** Attributes that create a directory with mode 0700 (none where POSIX permissions do not exist). */
  public static FileAttribute<?>[] directoryAttributes() {
    return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIRECTORY)} : new FileAttribute<?>[0];
  }

  /** Creates {@code file} empty with mode 0600, unless it exists. */
  public static void createFile(Path file) throws IOException {
    try {
      Files.createFile(file, fileAttributes());
    } catch (FileAlreadyExistsException e) {
      // there already: restrict() sets its mode
    }
  }

  /** Sets {@code dir} to 0700 and everything under it to 0700 (directories) or 0600 (files). */
  public static void restrict(Path dir) throws IOException {
    if (!POSIX || !Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        if (Files.isSymbolicLink(p)) {
          continue;
        }
        Files.setPosixFilePermissions(p, Files.isDirectory(p) ? DIRECTORY : FILE);
      }
    }
  }
}
