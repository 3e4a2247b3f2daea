package dev.shoal.data;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a site's data is and how to read it.
 *
 * @param path a CSV file, a NumPy {@code .npz}, an image folder, an IDX (MNIST) directory or a
 *     directory of {@code train.npz}/{@code test.npz}
 * @param testPath test data in the same format; empty to split {@code path} (files and image
 *     folders) or to use the directory's own test files
 * @param label the CSV label column
 * @param task the task, or empty to infer it from the labels
 * @param schemaFile a declaration to read the data by (a CSV declaration for CSV files, a schema
 *     for the others), or empty for the companion file if there is one
 * @param testFraction the share of examples held out for testing when there is no test data
 * @param seed the seed of that split
 */
public record DataSpec(
    Path path, Optional<Path> testPath, String label, Optional<Task> task, Optional<Path> schemaFile,
    double testFraction, long seed) {

  /** Default share of a single file held out for testing. */
  public static final double DEFAULT_TEST_FRACTION = 0.2;

  public DataSpec {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("test fraction must be between 0 and 1 (exclusive), got " + testFraction);
    }
  }

  /** {@code path} with the defaults: label column {@code label}, inferred task, 20% test split. */
  public static DataSpec of(Path path, long seed) {
    return new DataSpec(path, Optional.empty(), "label", Optional.empty(), Optional.empty(), DEFAULT_TEST_FRACTION, seed);
  }
}
