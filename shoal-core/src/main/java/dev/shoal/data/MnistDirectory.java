package dev.shoal.data;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory holding MNIST's four standard files: {@value #TRAIN_IMAGES}, {@value
 * #TRAIN_LABELS}, {@value #TEST_IMAGES} and {@value #TEST_LABELS}, each either raw or gzipped
 * with a {@code .gz} suffix (as the original MNIST distribution ships them).
 */
public final class MnistDirectory {

  public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

  /** The four file names, without {@code .gz}. */
  public static final List<String> FILE_NAMES =
      List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

  private static final String GZ = ".gz";
  private static final Logger log = LoggerFactory.getLogger(MnistDirectory.class);

  private MnistDirectory() {}

  /**
   * Reads the train and test splits from {@code dir}.
   *
   * @throws NoSuchFileException if the directory or any of the four files is missing; the
   *     message names the directory and the files it needs
   * @throws IdxFormatException if a file is malformed
   * @throws FileSystemException if a file exists both raw and gzipped, so which one to read is
   *     unclear
   */
  public static FederatedData load(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      throw new NoSuchFileException(
          dir.toString(), null, "no such MNIST directory; it should hold " + expected());
    }
    if (!Files.isDirectory(dir)) {
      throw new NotDirectoryException(dir.toString());
    }
    List<Path> files = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (String name : FILE_NAMES) {
      Path file = locate(dir, name);
      if (file == null) {
        missing.add(name + "[.gz]");
      }
      files.add(file);
    }
    if (!missing.isEmpty()) {
      throw new NoSuchFileException(
          dir.toString(),
          null,
          "MNIST directory lacks %s; it should hold %s"
              .formatted(String.join(", ", missing), expected()));
    }
    FederatedData data =
        new FederatedData(
            IdxReader.readDataset(files.get(0), files.get(1)),
            IdxReader.readDataset(files.get(2), files.get(3)));
    log.debug(
        "mnist loaded dir={} train={} test={}",
        dir, data.train().size(), data.test().size());
    return data;
  }

  /**
   * Writes {@code data} into {@code dir} as gzipped files, as {@link #save(FederatedData, Path,
   * boolean)} does.
   */
  public static void save(FederatedData data, Path dir) throws IOException {
    save(data, dir, true);
  }

  /**
   * Writes {@code data} into {@code dir} (created if missing) under the four standard names,
   * gzipped ({@code .gz}) or raw. Each file is replaced atomically, and the other form of the
   * same file (raw or gzipped), if present, is deleted so that {@link #load} finds one of each.
   */
  public static void save(FederatedData data, Path dir, boolean gzip) throws IOException {
    Files.createDirectories(dir);
    String suffix = gzip ? GZ : "";
    String stale = gzip ? "" : GZ;
    IdxWriter.writeDataset(
        data.train(), dir.resolve(TRAIN_IMAGES + suffix), dir.resolve(TRAIN_LABELS + suffix));
    IdxWriter.writeDataset(
        data.test(), dir.resolve(TEST_IMAGES + suffix), dir.resolve(TEST_LABELS + suffix));
    for (String name : FILE_NAMES) {
      Files.deleteIfExists(dir.resolve(name + stale));
    }
  }

  /** The file called {@code name} or {@code name.gz} in {@code dir}, or null if neither. */
  private static Path locate(Path dir, String name) throws FileSystemException {
    Path raw = dir.resolve(name);
    Path gz = dir.resolve(name + GZ);
    boolean hasRaw = Files.isRegularFile(raw);
    boolean hasGz = Files.isRegularFile(gz);
    if (hasRaw && hasGz) {
      throw new FileSystemException(
          raw.toString(),
          null,
          "both %s and %s exist in %s; delete one so it is clear which to read"
              .formatted(name, name + GZ, dir));
    }
    return hasRaw ? raw : hasGz ? gz : null;
  }

  private static String expected() {
    return String.join(", ", FILE_NAMES) + " (each raw or gzipped with a .gz suffix)";
  }
}
