package dev.shoal.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * Reads a site's data in whichever format it is, found from the path: a {@code .csv} file, a
 * NumPy {@code .npz}, a directory of MNIST IDX files, a directory of {@code train.npz} and
 * {@code test.npz} (as {@code shoal data partition} writes for non-IDX data), or an image folder
 * ({@code CLASS/*.png}). Files and image folders without separate test data are split by a seeded
 * shuffle.
 */
public final class DataLoader {

  /** The train split's file in an array directory. */
  public static final String TRAIN_NPZ = "train.npz";

  /** The test split's file in an array directory. */
  public static final String TEST_NPZ = "test.npz";

  /**
   * What was loaded.
   *
   * @param format {@code csv}, {@code npz}, {@code idx}, {@code arrays} or {@code images}
   * @param notes what was inferred rather than declared, for the console
   * @param csv the CSV declaration the data was encoded by, for CSV data
   */
  public record Loaded(FederatedData data, String format, List<String> notes, Optional<CsvDeclaration> csv) {}

  private DataLoader() {}

  public static Loaded load(DataSpec spec) throws IOException {
    Path path = spec.path();
    if (!Files.exists(path)) {
      throw new NoSuchFileException(path.toString(), null, "no such data file or directory");
    }
    List<String> notes = new ArrayList<>();
    String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (Files.isDirectory(path)) {
      if (MnistDirectory.FILE_NAMES.stream().anyMatch(f -> Files.exists(path.resolve(f)) || Files.exists(path.resolve(f + ".gz")))) {
        FederatedData d = MnistDirectory.load(path);
        return new Loaded(withTask(d, spec, notes), "idx", notes, Optional.empty());
      }
      if (Files.isRegularFile(path.resolve(TRAIN_NPZ))) {
        Optional<Schema> schema = declared(spec, path.resolve(DataFiles.SCHEMA_FILE));
        Dataset train = NpzFile.load(path.resolve(TRAIN_NPZ), schema, spec.task());
        Path testFile = path.resolve(TEST_NPZ);
        if (Files.isRegularFile(testFile)) {
          return new Loaded(new FederatedData(train, NpzFile.load(testFile, Optional.of(train.schema()), spec.task())),
              "arrays", notes, Optional.empty());
        }
        return new Loaded(split(train, spec, notes), "arrays", notes, Optional.empty());
      }
      if (ImageFolder.looksLike(path)) {
        Optional<Schema> schema = declared(spec, path.resolve(DataFiles.SCHEMA_FILE));
        Dataset train = ImageFolder.load(path, schema);
        if (spec.testPath().isPresent()) {
          return new Loaded(new FederatedData(train, ImageFolder.load(spec.testPath().get(), Optional.of(train.schema()))),
              "images", notes, Optional.empty());
        }
        return new Loaded(split(train, spec, notes), "images", notes, Optional.empty());
      }
      throw new DataFormatException(path.toString(),
          "is a directory but holds neither MNIST IDX files, nor train.npz, nor class folders of images");
    }
    if (name.endsWith(".csv")) {
      Optional<CsvDeclaration> declaration = Optional.empty();
      Path companion = spec.schemaFile().orElse(CsvDeclaration.companion(path));
      if (spec.schemaFile().isPresent() || Files.isRegularFile(companion)) {
        declaration = Optional.of(CsvDeclaration.read(companion));
        notes.add("encoding as declared in " + companion);
      }
      CsvLoader.Loaded train = CsvLoader.load(path, spec.label(), spec.task(), declaration);
      train.inferred().ifPresent(why -> notes.add("task: %s (inferred: %s; set --task to override)"
          .formatted(train.declaration().task(), why)));
      FederatedData data;
      if (spec.testPath().isPresent()) {
        Dataset test = CsvLoader.load(spec.testPath().get(), spec.label(), spec.task(), Optional.of(train.declaration())).data();
        data = new FederatedData(train.data(), test);
      } else {
        data = split(train.data(), spec, notes);
      }
      return new Loaded(data, "csv", notes, Optional.of(train.declaration()));
    }
    if (name.endsWith(".npz")) {
      String stem = path.getFileName().toString();
      Optional<Schema> schema = declared(spec, path.resolveSibling(stem.substring(0, stem.length() - 4) + ".schema.json"));
      Dataset train = NpzFile.load(path, schema, spec.task());
      if (schema.isEmpty()) {
        notes.add("task: %s (inferred from the targets y; set --task to override)".formatted(train.schema().task()));
      }
      if (spec.testPath().isPresent()) {
        return new Loaded(new FederatedData(train, NpzFile.load(spec.testPath().get(), Optional.of(train.schema()), spec.task())),
            "npz", notes, Optional.empty());
      }
      return new Loaded(split(train, spec, notes), "npz", notes, Optional.empty());
    }
    throw new DataFormatException(path.toString(),
        "is not a format Shoal reads: use a .csv file, a .npz archive, an image folder (CLASS/*.png) or an MNIST IDX directory");
  }

  /**
   * Writes {@code data} into {@code dir} so that {@link #load} reads it back under the same
   * schema: greyscale or colour images with numbered classes as MNIST IDX files, anything else as
   * {@value #TRAIN_NPZ} and {@value #TEST_NPZ}; either way with the schema in {@value
   * DataFiles#SCHEMA_FILE}.
   */
  public static void save(FederatedData data, Path dir) throws IOException {
    Schema s = data.schema();
    boolean idx = s.task() == Task.CLASSIFICATION && s.featureNames().isEmpty() && s.shape().length == 3
        && s.shape()[0] == 1 && s.equals(Schema.indexed(Task.CLASSIFICATION, s.shape(), s.classCount()));
    if (idx) {
      MnistDirectory.save(data, dir);
      return;
    }
    Files.createDirectories(dir);
    NpzFile.write(data.train(), dir.resolve(TRAIN_NPZ));
    NpzFile.write(data.test(), dir.resolve(TEST_NPZ));
    DataFiles.writeSchema(dir, s);
  }

  private static Optional<Schema> declared(DataSpec spec, Path companion) throws IOException {
    Path file = spec.schemaFile().orElse(companion);
    return spec.schemaFile().isPresent() || Files.isRegularFile(file) ? Optional.of(DataFiles.readSchema(file)) : Optional.empty();
  }

  private static FederatedData withTask(FederatedData d, DataSpec spec, List<String> notes) {
    if (spec.task().isEmpty() || spec.task().get() == d.schema().task()) {
      return d;
    }
    Schema s = d.schema().withTask(spec.task().get());
    return new FederatedData(d.train().withSchema(s), d.test().withSchema(s));
  }

  /**
   * Holds out {@code testFraction} of {@code data} (at least one example, and at least one left to
   * train on), chosen by a shuffle seeded with {@code seed}; both parts keep the file's order.
   */
  public static FederatedData split(Dataset data, DataSpec spec, List<String> notes) throws DataFormatException {
    int n = data.size();
    if (n < 2) {
      throw new DataFormatException(spec.path().toString(), "has %d example; a train and a test split need at least 2".formatted(n));
    }
    int test = (int) Math.max(1, Math.min(n - 1, Math.round(n * spec.testFraction())));
    int[] order = Partitions.identity(n);
    Partitions.shuffle(order, new Random(Partitions.derive(spec.seed(), -3)));
    int[] testIdx = Arrays.copyOf(order, test);
    int[] trainIdx = Arrays.copyOfRange(order, test, n);
    Arrays.sort(testIdx);
    Arrays.sort(trainIdx);
    notes.add("test split: %d of %d examples held out (--test-fraction %s, seed %d)"
        .formatted(test, n, spec.testFraction(), spec.seed()));
    return new FederatedData(data.subset(trainIdx), data.subset(testIdx));
  }
}
