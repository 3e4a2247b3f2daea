package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.tensor.SafetensorsException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * FedAvg over update files, as {@code shoal aggregate} does it: every file is read and checked
 * before anything is computed, and a file that does not fit names itself in the error.
 */
public final class UpdateFiles {

  private UpdateFiles() {}

  public static ParameterSet aggregate(List<Path> files) throws IOException {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no update files given");
    }
    List<ParameterSet> updates = new ArrayList<>();
    List<Long> weights = new ArrayList<>();
    for (Path f : files) {
      ParameterSet u = Safetensors.read(f);
      weights.add(numExamples(u, f));
      if (!updates.isEmpty()) {
        checkSameOrigin(updates.get(0), files.get(0), u, f);
      }
      try {
        UpdateCheck.check(updates.isEmpty() ? u : updates.get(0), u, weights.get(weights.size() - 1));
      } catch (UpdateRejectedException e) {
        throw new SafetensorsException(f.toString(), e.getMessage()
            + (updates.isEmpty() ? "" : " (compared with " + files.get(0) + ")"));
      }
      updates.add(u);
    }
    WeightedSum sum = new WeightedSum(updates.get(0));
    long total = 0;
    for (int i = 0; i < updates.size(); i++) {
      sum.add(updates.get(i), weights.get(i));
      total += weights.get(i);
    }
    Map<String, String> meta = new LinkedHashMap<>(updates.get(0).metadata());
    meta.put(Metadata.NUM_EXAMPLES, Long.toString(total));
    meta.remove(Metadata.BASE_MODEL);
    return sum.mean(meta);
  }

  private static long numExamples(ParameterSet u, Path f) throws SafetensorsException {
    String v = u.metadata(Metadata.NUM_EXAMPLES).orElseThrow(() -> new SafetensorsException(
        f.toString(), "no 'num_examples' in __metadata__; an update needs it as its FedAvg weight"));
    try {
      long n = Long.parseLong(v);
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new SafetensorsException(f.toString(), "num_examples must be a positive integer, found '" + v + "'");
    }
  }

  private static void checkSameOrigin(ParameterSet first, Path firstFile, ParameterSet u, Path f)
      throws SafetensorsException {
    for (String key : List.of(Metadata.BASE_MODEL, Metadata.MODEL)) {
      String a = first.metadata(key).orElse(null);
      String b = u.metadata(key).orElse(null);
      if (!Objects.equals(a, b)) {
        throw new SafetensorsException(f.toString(),
            "%s is %s but %s has %s; updates must come from the same global model"
                .formatted(key, b == null ? "missing" : "'" + b + "'", firstFile, a == null ? "none" : "'" + a + "'"));
      }
    }
  }
}
