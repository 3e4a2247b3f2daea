package dev.shoal.app;

import dev.shoal.data.DataSpec;
import dev.shoal.data.SyntheticFederation;
import dev.shoal.data.Task;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Where a run's data comes from, in any format Shoal reads: shared by commands. */
final class DataOptions {

  @Option(names = "--data", paramLabel = "PATH", description = "This run's data: a CSV file, a NumPy .npz (x, y), an image folder (CLASS/*.png|jpg), an MNIST IDX directory, or a directory of train.npz/test.npz; in simulate also synthetic:ALPHA,BETA, the Synthetic(alpha, beta) clients of FedProx (default: the bundled MNIST sample).")
  Path data;

  @Option(names = "--label", defaultValue = "label", paramLabel = "COLUMN", description = "The CSV column holding the label (default: ${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--task", paramLabel = "TASK", description = "classification, binary or regression (default: inferred from the labels, and said so).")
  String task;

  @Option(names = "--test-data", paramLabel = "PATH", description = "Test data in the same format as --data (default: a seeded --test-fraction of --data, or the IDX directory's test files).")
  Path testData;

  @Option(names = "--test-fraction", defaultValue = "0.2", paramLabel = "F", description = "Share of --data held out for testing when there is no --test-data, chosen with --seed (default: ${DEFAULT-VALUE}).")
  double testFraction;

  @Option(names = "--schema", paramLabel = "FILE", description = "How to read --data so that every site encodes alike: a CSV declaration (label, task, classes, column vocabularies and scaling) or a schema.json (default: NAME.schema.json next to the data, if present; else inferred).")
  Path schema;

  /** What {@code --data} starts with to name synthetic clients instead of a path. */
  static final String SYNTHETIC = "synthetic:";

  /**
   * The data spec, or empty when {@code --data} is not given.
   *
   * @throws UsageError if {@code --data} names synthetic clients, which only {@code simulate} has
   */
  Optional<DataSpec> resolve(long seed) {
    if (synthetic()) {
      throw new UsageError("--data " + data + ": synthetic clients exist only in a simulation (shoal simulate); "
          + "give a file or directory");
    }
    if (data == null) {
      if (testData != null || schema != null || task != null) {
        throw new UsageError("--test-data, --schema and --task describe --data; give --data too");
      }
      return Optional.empty();
    }
    Optional<Task> declared = DataOptions.task(task);
    try {
      return Optional.of(new DataSpec(data, Optional.ofNullable(testData), label, declared, Optional.ofNullable(schema),
          testFraction, seed));
    } catch (IllegalArgumentException e) {
      throw new UserError("--test-fraction: " + e.getMessage(), e);
    }
  }

  /** Whether {@code --data} is {@code synthetic:ALPHA,BETA}. */
  boolean synthetic() {
    return data != null && data.toString().startsWith(SYNTHETIC);
  }

  /**
   * The synthetic federation {@code --data synthetic:ALPHA,BETA} names, each client's examples
   * split by {@code --test-fraction}; empty when {@code --data} names no synthetic clients.
   */
  Optional<SyntheticFederation> syntheticFederation(long seed) {
    if (!synthetic()) {
      return Optional.empty();
    }
    if (testData != null || schema != null || task != null) {
      throw new UsageError("--test-data, --schema and --task describe data read from files, not --data " + data);
    }
    try {
      return Optional.of(SyntheticFederation.parse(data.toString().substring(SYNTHETIC.length()), seed, testFraction));
    } catch (IllegalArgumentException e) {
      throw new UsageError("--data: " + e.getMessage(), e);
    }
  }

  /** The task {@code --task} names, if given; an unknown name is bad usage. */
  static Optional<Task> task(String name) {
    try {
      return name == null ? Optional.empty() : Optional.of(Task.parse(name));
    } catch (IllegalArgumentException e) {
      throw new UsageError("--task: " + e.getMessage(), e);
    }
  }
}
