package dev.shoal.bench;

import ai.djl.ndarray.types.Shape;
import dev.shoal.data.Dataset;
import dev.shoal.data.MnistSample;
import dev.shoal.djl.DjlEngine;
import dev.shoal.djl.EngineSettings;
import dev.shoal.djl.ModelZoo;
import dev.shoal.djl.TorchScriptFile;
import dev.shoal.djl.TorchScriptTrainer;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.FitConfig;
import dev.shoal.train.Trainer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Local training speed of Shoal against native PyTorch on the same TorchScript model, the same
 * examples, the same threads: (a) PyTorch for Python ({@code scripts/training-speed.py}: {@code
 * torch.jit.load}, {@code train()}, SGD, cross-entropy; Debian's PyTorch, of another version than
 * Shoal's), (b) PyTorch of Shoal's own version without Shoal ({@link NativeLoop}: the whole epoch
 * in TorchScript, one call from Java), (c) Shoal's {@link TorchScriptTrainer} on the same file,
 * and, for the architectures of the built-in models, (d) Shoal's built-in {@code mlp} or {@code
 * cnn}. They take turns in one run (A B C D, then D C B A, ...), the first turns a warm-up left
 * out; each reports wall time and the CPU time of its own process (the JVM, or Python) over one
 * fit. Shoal's time is that of a whole {@code Trainer.fit} as a node
 * runs it (loading the module, copying the parameters in and out); PyTorch's is its training
 * loop. Printed: examples per second and CPU-milliseconds per example (medians), and the ratios
 * (medians over the turns) of speed against (a) and (b), and of CPU time per example against (b).
 *
 * <p>Models ({@code --models}, comma-separated): {@code mnist-cnn} ({@code
 * examples/models/mnist-cnn.pt}, batch norm and dropout), {@code 2nn} and {@code cnn} (the FedAvg
 * paper's, exported by the Python side at start, the architectures of the built-in {@code mlp}
 * and {@code cnn}). {@code --graph-optimizer true|false} sets DJL's
 * {@code ai.djl.pytorch.graph_optimizer} for the TorchScript runs.
 *
 * <pre>scripts/run-bench.sh TrainingSpeed [--threads 1] [--warmup 3] [--repeats 5] [--examples 2000]
 *     [--cnn-examples 500] [--batch-size 10] [--lr 0.01] [--models mnist-cnn,2nn,cnn]</pre>
 */
public final class TrainingSpeed {

  private static final Shape MNIST = new Shape(1, 28, 28);

  private TrainingSpeed() {}

  /** One way of training a model: a name, and a fit returning {wall seconds, CPU seconds}. */
  private record Variant(String name, Fit fit) {}

  @FunctionalInterface
  private interface Fit {
    double[] run() throws IOException;
  }

  /** A model and the ways it is trained, on the first {@code examples} examples. */
  private record Case(String model, int examples, List<Variant> variants) {}

  public static void main(String[] args) throws Exception {
    int threads = 1;
    int warmup = 3;
    int repeats = 5;
    int examples = 2000;
    int cnnExamples = 500;
    int batch = 10;
    double lr = 0.01;
    List<String> models = List.of("mnist-cnn", "2nn", "cnn");
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
        case "--examples" -> examples = Integer.parseInt(args[i + 1]);
        case "--cnn-examples" -> cnnExamples = Integer.parseInt(args[i + 1]);
        case "--batch-size" -> batch = Integer.parseInt(args[i + 1]);
        case "--lr" -> lr = Double.parseDouble(args[i + 1]);
        case "--models" -> models = List.of(args[i + 1].split(","));
        case "--graph-optimizer" -> System.setProperty("ai.djl.pytorch.graph_optimizer", args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; allowed: --threads, --warmup, --repeats, --examples, --cnn-examples, --batch-size, --lr, --models, --graph-optimizer");
      }
    }
    DjlEngine.configure(new EngineSettings(threads, threads));
    Path root = Path.of(System.getProperty("shoal.root", "."));
    Path dir = Files.createTempDirectory("shoal-training-speed");
    Dataset all = MnistSample.load().train();
    int most = Math.min(Math.max(examples, cnnExamples), all.size());
    Dataset data = all.subset(IntStream.range(0, most).toArray());
    writeData(data, dir);
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    try (Python python = Python.start(root, dir, threads)) {
      System.out.printf(Locale.ROOT, "Shoal: DJL %s on PyTorch %s, threads %s; native: %s; %d warm-up turns, then %d timed turns, batch %d, lr %s%n",
          ai.djl.engine.Engine.getDjlVersion(), DjlEngine.get().getVersion(), DjlEngine.running(), python.banner(), warmup, repeats,
          batch, lr);
      Path mnistCnn = root.resolve("examples/models/mnist-cnn.pt");
      Path twoNn = dir.resolve("2nn.pt");
      Path cnn = dir.resolve("cnn.pt");
      python.export("2nn", twoNn);
      python.export("cnn", cnn);
      List<Case> cases = new ArrayList<>();
      for (Object[] c : new Object[][] {{"mnist-cnn", mnistCnn, null, examples}, {"2nn", twoNn, ModelZoo.MLP, examples},
          {"cnn", cnn, ModelZoo.CNN, cnnExamples}}) {
        if (!models.contains((String) c[0])) {
          continue;
        }
        Path file = (Path) c[1];
        int n = Math.min((int) c[3], data.size());
        Dataset d = data.subset(IntStream.range(0, n).toArray());
        FitConfig config = new FitConfig(1, batch, lr, 7);
        List<Variant> variants = new ArrayList<>();
        int b = batch;
        double rate = lr;
        variants.add(new Variant("PyTorch for Python", () -> python.fit(file, n, b, rate)));
        Path loopFile = dir.resolve(c[0] + "-loop.pt");
        python.exportLoop(file, loopFile);
        NativeLoop loop = new NativeLoop(loopFile, d, MNIST, config.seed());
        variants.add(new Variant("PyTorch " + DjlEngine.get().getVersion() + ", C++ loop", () -> loop.fit(os, b, rate)));
        variants.add(new Variant("Shoal TorchScript", timed(os, new TorchScriptTrainer(TorchScriptFile.read(file), MNIST), d, config)));
        if (c[2] != null) {
          variants.add(new Variant("Shoal built-in " + c[2],
              timed(os, ModelZoo.standard().newTrainer((String) c[2], d.schema()), d, config)));
        }
        cases.add(new Case((String) c[0], n, variants));
      }
      for (Case c : cases) {
        run(c, warmup, repeats);
      }
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static Fit timed(com.sun.management.OperatingSystemMXBean os, Trainer trainer, Dataset data, FitConfig config) {
    ParameterSet initial = trainer.initialParameters(1);
    return () -> {
      long cpu = os.getProcessCpuTime();
      long wall = System.nanoTime();
      trainer.fit(initial, data, config);
      return new double[] {(System.nanoTime() - wall) / 1e9, (os.getProcessCpuTime() - cpu) / 1e9};
    };
  }

  private static void run(Case c, int warmup, int repeats) throws IOException {
    int k = c.variants().size();
    double[][] wall = new double[k][repeats];
    double[][] cpu = new double[k][repeats];
    for (int r = -warmup; r < repeats; r++) {
      for (int j = 0; j < k; j++) {
        // A B C, then C B A: each goes first and last as often
        int v = Math.floorMod(r, 2) == 0 ? j : k - 1 - j;
        double[] t = c.variants().get(v).fit().run();
        if (r >= 0) {
          wall[v][r] = t[0];
          cpu[v][r] = t[1];
        }
      }
    }
    System.out.printf(Locale.ROOT, "%n%s, %d examples, 1 epoch%n", c.model(), c.examples());
    System.out.println("| trainer | examples/s (median) | CPU-ms per example (median) | speed vs PyTorch for Python | speed vs PyTorch's C++ loop | CPU per example vs the C++ loop |");
    System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
    for (int v = 0; v < k; v++) {
      System.out.printf(Locale.ROOT, "| %s | %.0f | %.3f | %.2f× | %.2f× | %.2f× |%n", c.variants().get(v).name(),
          c.examples() / median(wall[v]), 1000 * median(cpu[v]) / c.examples(), medianRatio(wall[0], wall[v]),
          medianRatio(wall[1], wall[v]), medianRatio(cpu[v], cpu[1]));
    }
  }

  /** The median over the turns of {@code a[r] / b[r]}. */
  private static double medianRatio(double[] a, double[] b) {
    double[] r = new double[a.length];
    Arrays.setAll(r, i -> a[i] / b[i]);
    return median(r);
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** The examples as raw little-endian float32 features and int64 labels, for the Python side. */
  private static void writeData(Dataset data, Path dir) throws IOException {
    ByteBuffer features = ByteBuffer.allocate(4 * data.features().length).order(ByteOrder.LITTLE_ENDIAN);
    features.asFloatBuffer().put(data.features());
    Files.write(dir.resolve("features.f32"), features.array());
    ByteBuffer labels = ByteBuffer.allocate(8 * data.size()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < data.size(); i++) {
      labels.putLong(data.label(i));
    }
    Files.write(dir.resolve("labels.i64"), labels.array());
  }

  /** The Python side, {@code scripts/training-speed.py}, driven line by line. */
  private static final class Python implements AutoCloseable {

    private final Process process;
    private final PrintWriter in;
    private final BufferedReader out;
    private final String banner;

    private Python(Process process) throws IOException {
      this.process = process;
      OutputStream stdin = process.getOutputStream();
      this.in = new PrintWriter(stdin, true, StandardCharsets.UTF_8);
      this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.banner = answer("ready");
    }

    static Python start(Path root, Path dir, int threads) throws IOException {
      var pb = new ProcessBuilder(System.getenv().getOrDefault("PYTHON", "/usr/bin/python3"),
          root.resolve("scripts/training-speed.py").toString(), "--threads", Integer.toString(threads),
          "--features", dir.resolve("features.f32").toString(), "--labels", dir.resolve("labels.i64").toString(),
          "--shape", "1,28,28");
      pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
      pb.environment().put("MKL_NUM_THREADS", Integer.toString(threads));
      pb.redirectError(ProcessBuilder.Redirect.INHERIT);
      return new Python(pb.start());
    }

    String banner() {
      return banner.substring("ready ".length());
    }

    void export(String kind, Path file) throws IOException {
      in.println("export " + kind + " " + file);
      answer("exported");
    }

    /** The epoch loop of {@code model} in TorchScript ({@link NativeLoop}). */
    void exportLoop(Path model, Path file) throws IOException {
      in.println("export-loop " + model + " " + file);
      answer("exported");
    }

    /** One fit on the first {@code n} examples: {wall seconds, CPU seconds}. */
    double[] fit(Path file, int n, int batch, double lr) throws IOException {
      in.printf(Locale.ROOT, "fit %s 1 %d %s 7 %d%n", file, batch, lr, n);
      String[] w = answer("fit").split(" ");
      return new double[] {Double.parseDouble(w[1]), Double.parseDouble(w[2])};
    }

    private String answer(String expected) throws IOException {
      String line = out.readLine();
      if (line == null || !line.startsWith(expected)) {
        throw new IOException("scripts/training-speed.py answered " + line + " (expected " + expected + "); is PyTorch installed"
            + " (Debian: python3-torch)?");
      }
      return line;
    }

    @Override
    public void close() throws InterruptedException {
      in.println("quit");
      in.close();
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
