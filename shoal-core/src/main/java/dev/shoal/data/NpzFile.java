package dev.shoal.data;

import dev.shoal.io.AtomicFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A NumPy {@code .npz} archive ({@code numpy.savez}) holding features {@code x} (first axis: the
 * examples) and targets {@code y} (one per example). Whole-number targets are class indices
 * (0..max, or the declared classes); other targets make the task regression.
 */
public final class NpzFile {

  private NpzFile() {}

  /**
   * Loads {@code file} under {@code declared} (or, if empty, an inferred schema).
   *
   * @param task the task when no schema is declared, or empty to infer it
   * @throws DataFormatException naming the archive and entry and what is wrong
   */
  public static Dataset load(Path file, Optional<Schema> declared, Optional<Task> task) throws IOException {
    String name = file.toString();
    Map<String, Npy.Array> arrays = new HashMap<>();
    try (ZipFile zip = new ZipFile(file.toFile())) {
      for (String key : new String[] {"x", "y"}) {
        ZipEntry e = zip.getEntry(key + ".npy");
        if (e == null) {
          throw new DataFormatException(name, "has no array '%s'; save features as x and targets as y (numpy.savez(path, x=..., y=...))"
              .formatted(key));
        }
        try (InputStream in = zip.getInputStream(e)) {
          arrays.put(key, Npy.read(in, name + "!" + key + ".npy"));
        }
      }
    } catch (ZipException e) {
      throw new DataFormatException(name, "is not a readable .npz (zip) archive: " + e.getMessage());
    }
    Npy.Array x = arrays.get("x");
    Npy.Array y = arrays.get("y");
    if (x.shape().length < 2) {
      throw new DataFormatException(name + "!x.npy", "has shape %s; features need a first axis of examples and at least one more"
          .formatted(Arrays.toString(x.shape())));
    }
    int n = x.shape()[0];
    if (y.values().length != n || (y.shape().length > 1 && !(y.shape().length == 2 && y.shape()[1] == 1))) {
      throw new DataFormatException(name + "!y.npy", "has shape %s but x holds %d examples; y needs one target per example"
          .formatted(Arrays.toString(y.shape()), n));
    }
    int[] shape = Arrays.copyOfRange(x.shape(), 1, x.shape().length);
    Schema schema = declared.isPresent() ? declared.get() : infer(y, shape, task, name);
    if (!Arrays.equals(schema.shape(), shape)) {
      throw new DataFormatException(name + "!x.npy", "examples have shape %s but the declared schema says %s"
          .formatted(Arrays.toString(shape), schema.inputShape()));
    }
    float[] targets = y.values();
    if (schema.task().hasClasses()) {
      for (int i = 0; i < n; i++) {
        float t = targets[i];
        if (t != Math.rint(t) || t < 0 || t >= schema.classCount()) {
          throw new DataFormatException(name + "!y.npy", "target %s of example %d is outside the classes 0..%d"
              .formatted(t, i, schema.classCount() - 1));
        }
      }
    }
    return new Dataset(schema, x.values(), targets);
  }

  private static Schema infer(Npy.Array y, int[] shape, Optional<Task> given, String name) throws DataFormatException {
    boolean whole = true;
    int max = 0;
    TreeSet<Float> distinct = new TreeSet<>();
    for (float t : y.values()) {
      whole &= t == Math.rint(t) && t >= 0;
      max = Math.max(max, (int) t);
      if (distinct.size() <= CsvLoader.MAX_INFERRED_CLASSES) {
        distinct.add(t);
      }
    }
    Task task = given.orElse(whole && (y.integral() || distinct.size() <= CsvLoader.MAX_INFERRED_CLASSES)
        ? (max == 1 ? Task.BINARY : Task.CLASSIFICATION) : Task.REGRESSION);
    if (task.hasClasses() && !whole) {
      throw new DataFormatException(name + "!y.npy", "holds targets that are not class indices (0, 1, 2, ...) but the task is " + task);
    }
    if (task == Task.BINARY && max > 1) {
      throw new DataFormatException(name + "!y.npy", "holds class %d but a binary task has classes 0 and 1".formatted(max));
    }
    return task == Task.REGRESSION
        ? new Schema(Task.REGRESSION, Arrays.stream(shape).boxed().toList(), java.util.List.of(), java.util.List.of())
        : Schema.indexed(task, shape, Math.max(2, max + 1));
  }

  /** Writes {@code data} as {@code file} with float32 arrays {@code x} and {@code y}, atomically. */
  public static void write(Dataset data, Path file) throws IOException {
    int[] shape = data.schema().shape();
    int[] xShape = new int[shape.length + 1];
    xShape[0] = data.size();
    System.arraycopy(shape, 0, xShape, 1, shape.length);
    byte[] x = Npy.write(xShape, data.features());
    byte[] y = Npy.write(new int[] {data.size()}, data.targets());
    AtomicFile.write(file, out -> {
      ZipOutputStream zip = new ZipOutputStream(out);
      zip.putNextEntry(new ZipEntry("x.npy"));
      zip.write(x);
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("y.npy"));
      zip.write(y);
      zip.closeEntry();
      zip.finish();
    });
  }
}
