package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.SafetensorsException;
import dev.shoal.tensor.SafetensorsFile;
import dev.shoal.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * FedAvg over update files, as {@code shoal aggregate} does it, in two passes. First every
 * file's header is read and checked (tensor names, shapes and dtypes, base model and model,
 * {@code num_examples}); a file that does not fit names itself in the error, before any data is
 * read. Then the files are folded one by one, in parallel over ranges of the model's values, each
 * value checked to be finite in the same pass that adds it ({@link FileFold}). Memory is O(model) however many files there are;
 * the caller writes the result only if both passes succeed.
 */
public final class UpdateFiles {

  private UpdateFiles() {}

  /** The example-weighted mean of {@code files}, folded with one thread per available CPU. */
  public static ParameterSet aggregate(List<Path> files) throws IOException {
    return aggregate(files, Runtime.getRuntime().availableProcessors());
  }

  /**
   * The example-weighted mean of {@code files}, folded with {@code threads} threads.
   *
   * @throws SafetensorsException naming the file, if one is missing, malformed, from another
   *     base model, laid out differently from the first, without a positive {@code num_examples},
   *     or holding a non-finite value
   */
  public static ParameterSet aggregate(List<Path> files, int threads) throws IOException {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no update files given");
    }
    List<SafetensorsFile> opened = new ArrayList<>(files.size());
    long[] examples = new long[files.size()];
    long total = 0;
    for (int i = 0; i < files.size(); i++) {
      SafetensorsFile f = SafetensorsFile.open(files.get(i));
      examples[i] = numExamples(f);
      if (!opened.isEmpty()) {
        checkSameOrigin(opened.get(0), f);
        checkSameLayout(opened.get(0), f);
      }
      opened.add(f);
      total = Math.addExact(total, examples[i]);
    }
    float[] weights = new float[examples.length];
    for (int i = 0; i < examples.length; i++) {
      weights[i] = (float) ((double) examples[i] / total);
    }
    SafetensorsFile first = opened.get(0);
    List<String> names = first.names();
    int[] sizes = new int[names.size()];
    for (int t = 0; t < sizes.length; t++) {
      sizes[t] = Math.toIntExact(Tensor.elementCount(first.shape(names.get(t)).orElseThrow()));
    }
    float[][] sums = new FileFold(opened, weights, names, sizes).run(threads);
    List<Tensor> mean = new ArrayList<>(names.size());
    for (int t = 0; t < sizes.length; t++) {
      mean.add(new Tensor(names.get(t), first.shape(names.get(t)).orElseThrow(), sums[t]));
    }
    Map<String, String> meta = new LinkedHashMap<>(first.metadata());
    meta.put(Metadata.NUM_EXAMPLES, Long.toString(total));
    meta.remove(Metadata.BASE_MODEL);
    return new ParameterSet(mean, meta);
  }

  private static long numExamples(SafetensorsFile u) throws SafetensorsException {
    String v = u.metadata().get(Metadata.NUM_EXAMPLES);
    if (v == null) {
      throw new SafetensorsException(
          u.file().toString(), "no 'num_examples' in __metadata__; an update needs it as its FedAvg weight");
    }
    try {
      long n = Long.parseLong(v);
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new SafetensorsException(u.file().toString(), "num_examples must be a positive integer, found '" + v + "'");
    }
  }

  private static void checkSameOrigin(SafetensorsFile first, SafetensorsFile u) throws SafetensorsException {
    for (String key : List.of(Metadata.BASE_MODEL, Metadata.MODEL)) {
      String a = first.metadata().get(key);
      String b = u.metadata().get(key);
      if (!Objects.equals(a, b)) {
        throw new SafetensorsException(u.file().toString(),
            "%s is %s but %s has %s; updates must come from the same global model"
                .formatted(key, b == null ? "missing" : "'" + b + "'", first.file(), a == null ? "none" : "'" + a + "'"));
      }
    }
  }

  private static void checkSameLayout(SafetensorsFile first, SafetensorsFile u) throws SafetensorsException {
    String problem = null;
    for (String name : first.names()) {
      int[] expected = first.shape(name).orElseThrow();
      int[] shape = u.shape(name).orElse(null);
      if (shape == null) {
        problem = "tensor '" + name + "' is missing";
      } else if (!Arrays.equals(expected, shape)) {
        problem = "tensor '%s' has shape %s, expected %s".formatted(name, Arrays.toString(shape), Arrays.toString(expected));
      }
      if (problem != null) {
        break;
      }
    }
    if (problem == null && u.names().size() != first.names().size()) {
      problem = u.names().stream().filter(n -> first.shape(n).isEmpty()).findFirst()
          .map(n -> "unexpected tensor '" + n + "'").orElse("a different number of tensors");
    }
    if (problem != null) {
      throw new SafetensorsException(u.file().toString(), problem + " (compared with " + first.file() + ")");
    }
  }
}
