package dev.shoal.bench;

import dev.shoal.data.Dataset;
import dev.shoal.data.MnistSample;
import dev.shoal.djl.ModelZoo;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.FitConfig;
import dev.shoal.train.Trainer;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Local training speed of one client on the engine: a zoo model trained with plain SGD on the
 * first N examples of the bundled MNIST sample, the way a node trains in a round. One warm-up fit,
 * then R timed fits from the same initial parameters; reports examples per second of wall time
 * (median and best) and per CPU-second of the whole process over the R fits, and the DJL and
 * PyTorch versions on the class path, so two builds of Shoal (e.g. two DJL versions) can be run
 * side by side and compared as a ratio. On a machine busy with other work, wall time depends on
 * what else runs; CPU time much less.
 *
 * <pre>scripts/run-bench.sh LocalTraining [--model mlp|cnn|logreg] [--examples 2000] [--epochs 1]
 *     [--batch-size 10] [--repeats 5]</pre>
 */
public final class LocalTraining {

  private LocalTraining() {}

  public static void main(String[] args) {
    String model = "mlp";
    int examples = 2000;
    int epochs = 1;
    int batch = 10;
    int repeats = 5;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--model" -> model = args[i + 1];
        case "--examples" -> examples = Integer.parseInt(args[i + 1]);
        case "--epochs" -> epochs = Integer.parseInt(args[i + 1]);
        case "--batch-size" -> batch = Integer.parseInt(args[i + 1]);
        case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException(
            "unknown option " + args[i] + "; allowed: --model, --examples, --epochs, --batch-size, --repeats");
      }
    }
    Dataset all = MnistSample.load().train();
    Dataset data = all.subset(IntStream.range(0, Math.min(examples, all.size())).toArray());
    Trainer trainer = ModelZoo.standard().newTrainer(model, data.schema());
    ParameterSet initial = trainer.initialParameters(1);
    FitConfig config = new FitConfig(epochs, batch, 0.1, 7);
    trainer.fit(initial, data, config); // warm-up: engine loading, JIT
    double[] rates = new double[repeats];
    var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long cpu = os.getProcessCpuTime();
    for (int r = 0; r < repeats; r++) {
      long t = System.nanoTime();
      trainer.fit(initial, data, config);
      rates[r] = (double) data.size() * epochs / ((System.nanoTime() - t) / 1e9);
    }
    double cpuSeconds = (os.getProcessCpuTime() - cpu) / 1e9;
    Arrays.sort(rates);
    System.out.printf("model %s, %d examples x %d epoch(s), batch %d, %d timed fits; DJL %s, PyTorch %s, threads %s%n",
        model, data.size(), epochs, batch, repeats, ai.djl.engine.Engine.getDjlVersion(),
        ai.djl.engine.Engine.getInstance().getVersion(), System.getProperty("ai.djl.pytorch.num_threads", "default"));
    System.out.printf("examples/s: median %.0f, best %.0f; examples per CPU-second %.0f%n", rates[repeats / 2],
        rates[repeats - 1], (double) data.size() * epochs * repeats / cpuSeconds);
  }
}
