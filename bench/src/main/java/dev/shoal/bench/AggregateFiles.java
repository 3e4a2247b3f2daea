package dev.shoal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.djl.ModelZoo;
import dev.shoal.strategy.Metadata;
import dev.shoal.strategy.UpdateFiles;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@code shoal aggregate}'s file aggregation side by side with numpy's two ways, in one run:
 * Flower's (load every update, then reduce), a numpy streaming loop, and the same loop with
 * the finite check Shoal makes. Writes N update files of a model's layout (the CNN by default;
 * 300 × 6.65 MB), reads them all once so every method finds them in the page cache, then runs
 * each method R times, each in a process of its own, in rotation. Each process reports its
 * time from the first read to the output written and its peak resident memory (VmHWM); this
 * process adds the wall time of the whole process and checks that every output is the same
 * mean.
 *
 * <pre>scripts/run-bench.sh AggregateFiles [--updates 300] [--model cnn] [--repeats 3] [--dir DIR]</pre>
 */
public final class AggregateFiles {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Debian's Python, where python3-numpy installs numpy; PYTHON chooses another. */
  private static final String PYTHON = System.getenv().getOrDefault("PYTHON", "/usr/bin/python3");

  private AggregateFiles() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("shoal")) {
      child(Integer.parseInt(args[1]), Path.of(args[2]), args);
      return;
    }
    Map<String, String> opts = options(args);
    int updates = Integer.parseInt(opts.getOrDefault("--updates", "300"));
    String model = opts.getOrDefault("--model", "cnn");
    int repeats = Integer.parseInt(opts.getOrDefault("--repeats", "3"));
    Path dir = opts.containsKey("--dir") ? Path.of(opts.get("--dir")) : Files.createTempDirectory("shoal-aggregate");
    Path script = Path.of(System.getProperty("shoal.root", "."), "bench/python/aggregate_numpy.py");

    List<Path> files = updateFiles(dir, model, updates);
    long bytes = 0;
    for (Path f : files) {
      bytes += Files.size(f);
    }
    System.out.printf("%d %s updates, %,d bytes in %s; %d CPUs, JDK %s, %s%n", files.size(), model, bytes, dir,
        Runtime.getRuntime().availableProcessors(), Runtime.version(), numpyVersion());
    warm(files);

    List<List<String>> methods = List.of(
        List.of("numpy flower"), List.of("numpy stream"), List.of("numpy checked"), List.of("shoal", "1"),
        List.of("shoal", "2"));
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    Map<String, Path> outputs = new LinkedHashMap<>();
    for (int r = 0; r < repeats; r++) {
      for (List<String> m : methods) {
        String name = m.size() == 1 ? m.get(0) : "shoal --threads " + m.get(1);
        Path out = dir.resolve("out-" + name.replace(' ', '-') + ".safetensors");
        List<String> command = new ArrayList<>();
        if (m.size() == 1) {
          command.addAll(List.of(PYTHON, script.toString(), m.get(0).substring("numpy ".length()), out.toString()));
        } else {
          String java = ProcessHandle.current().info().command().orElse("java");
          command.addAll(List.of(java, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
              "-cp", System.getProperty("java.class.path"), AggregateFiles.class.getName(), "shoal", m.get(1), out.toString()));
        }
        files.forEach(f -> command.add(f.toString()));
        double[] figures = run(command);
        results.computeIfAbsent(name, k -> new ArrayList<>()).add(figures);
        outputs.put(name, out);
        System.out.printf("  run %d %-18s %6.3f s in the method, %6.3f s wall, peak RSS %7.1f MiB%n",
            r + 1, name, figures[0], figures[1], figures[2]);
      }
    }

    ParameterSet reference = Safetensors.read(outputs.get("numpy stream"));
    System.out.println();
    System.out.println("| method | in the method, s (best of " + repeats + ") | whole process, s | peak RSS, MiB | max |difference| from numpy stream |");
    System.out.println("| --- | ---: | ---: | ---: | ---: |");
    for (var e : results.entrySet()) {
      double best = e.getValue().stream().mapToDouble(f -> f[0]).min().orElseThrow();
      double wall = e.getValue().stream().mapToDouble(f -> f[1]).min().orElseThrow();
      double rss = e.getValue().stream().mapToDouble(f -> f[2]).max().orElseThrow();
      double diff = maxDifference(reference, Safetensors.read(outputs.get(e.getKey())));
      System.out.printf("| %s | %.3f | %.3f | %.0f | %.1e |%n", e.getKey(), best, wall, rss, diff);
    }
    double shoal = best(results, "shoal --threads 2");
    System.out.printf("%nshoal --threads 2 is %.2fx faster than numpy stream, %.2fx than numpy checked, %.2fx than numpy flower%n",
        best(results, "numpy stream") / shoal, best(results, "numpy checked") / shoal, best(results, "numpy flower") / shoal);
  }

  private static String numpyVersion() throws IOException, InterruptedException {
    Process p = new ProcessBuilder(PYTHON, "-c", "import numpy, platform; print('numpy', numpy.__version__, 'Python', platform.python_version())")
        .redirectErrorStream(true).start();
    String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    p.waitFor();
    return v;
  }

  private static double best(Map<String, List<double[]>> results, String name) {
    return results.get(name).stream().mapToDouble(f -> f[0]).min().orElseThrow();
  }

  /** Runs one method's process: {seconds in the method, seconds of the whole process, peak RSS MiB}. */
  private static double[] run(List<String> command) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
    int code = p.waitFor();
    double wall = (System.nanoTime() - start) / 1e9;
    if (code != 0) {
      throw new IllegalStateException(String.join(" ", command.subList(0, 4)) + " ... failed with exit code " + code + ": " + out);
    }
    JsonNode line = JSON.readTree(out.lines().reduce((a, b) -> b).orElseThrow());
    return new double[] {line.get("seconds").asDouble(), wall, line.get("peak_rss_mib").asDouble()};
  }

  /** What {@code shoal aggregate --threads N} does, timed, with this process's peak RSS. */
  private static void child(int threads, Path out, String[] args) throws Exception {
    List<Path> files = Stream.of(args).skip(3).map(Path::of).toList();
    long start = System.nanoTime();
    ParameterSet mean = UpdateFiles.aggregate(files, threads);
    Safetensors.write(mean, out);
    double seconds = (System.nanoTime() - start) / 1e9;
    double peak = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
        .map(l -> Double.parseDouble(l.replaceAll("[^0-9]", "")) / 1024).findFirst().orElse(Double.NaN);
    System.out.printf("{\"method\": \"shoal\", \"seconds\": %.6f, \"peak_rss_mib\": %.1f}%n", seconds, peak);
  }

  /** The update files in {@code dir}, written first if they are not there: the model moved by small seeded noise. */
  private static List<Path> updateFiles(Path dir, String model, int n) throws Exception {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      files.add(dir.resolve("update-%04d.safetensors".formatted(i)));
    }
    if (files.stream().allMatch(Files::exists)) {
      return files;
    }
    ParameterSet global = ModelZoo.standard().newTrainer(model).initialParameters(1);
    String baseId = ContentId.of(global).toString();
    System.out.printf("writing %d %s updates to %s ...%n", n, model, dir);
    for (int i = 0; i < n; i++) {
      var rng = new SplittableRandom(i);
      List<Tensor> tensors = new ArrayList<>();
      for (Tensor t : global.tensors()) {
        float[] v = t.data().clone();
        for (int k = 0; k < v.length; k++) {
          v[k] += (float) ((rng.nextDouble() - 0.5) * 0.01);
        }
        tensors.add(new Tensor(t.name(), t.shape(), v));
      }
      Safetensors.write(new ParameterSet(tensors, Map.of(Metadata.MODEL, model, Metadata.BASE_MODEL, baseId,
          Metadata.NUM_EXAMPLES, Integer.toString(50 + rng.nextInt(500)))), files.get(i));
    }
    return files;
  }

  /** Reads every file once, so that each method finds them in the page cache. */
  private static void warm(List<Path> files) throws IOException {
    byte[] buf = new byte[1 << 20];
    for (Path f : files) {
      try (InputStream in = Files.newInputStream(f)) {
        while (in.read(buf) >= 0) {
          // just reading
        }
      }
    }
  }

  private static double maxDifference(ParameterSet a, ParameterSet b) {
    double worst = 0;
    for (String name : a.names()) {
      float[] x = a.read(name).data();
      float[] y = b.read(name).data();
      for (int i = 0; i < x.length; i++) {
        worst = Math.max(worst, Math.abs((double) x[i] - y[i]));
      }
    }
    return worst;
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected an option, found " + args[i]);
      }
      m.put(args[i], args[i + 1]);
    }
    return m;
  }
}
