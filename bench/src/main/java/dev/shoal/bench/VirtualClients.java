package dev.shoal.bench;

import dev.shoal.data.Dataset;
import dev.shoal.data.SyntheticFederation;
import dev.shoal.djl.ModelZoo;
import dev.shoal.round.InProcessClients;
import dev.shoal.round.RoundEngine;
import dev.shoal.round.RunConfig;
import dev.shoal.round.RunEvent;
import dev.shoal.strategy.ClientIds;
import dev.shoal.strategy.FedAvg;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.FitConfig;
import dev.shoal.train.Trainer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Per-round cost of a simulation against the number of registered clients: FedAvg over
 * Synthetic(α, β) clients ({@link InProcessClients#virtual}), a fixed number sampled per round,
 * for each federation size in turn, in one JVM; the same as {@code shoal simulate --data
 * synthetic:1,1 --clients N --fraction 100/N} without the reporters. After {@code --warmup}
 * rounds, reports the mean seconds per round (training, folding, and the coordinator's evaluation
 * on the held-out test splits of 100 clients) in wall time and in the process's CPU time (which
 * other work on a busy machine changes much less), the training examples per round, the peak heap
 * since the federation was set up, and the test accuracy after the last round.
 *
 * <pre>scripts/run-bench.sh VirtualClients [--model logreg|mlp] [--clients 1000,10000,100000,1000000]
 *     [--sample 100] [--rounds 3] [--warmup 1] [--epochs 1] [--lr 0.01] [--alpha-beta 1,1]</pre>
 *
 * <p>PyTorch runs on one thread unless {@code -Dai.djl.pytorch.num_threads} says otherwise.
 */
public final class VirtualClients {

  private VirtualClients() {}

  public static void main(String[] args) {
    String model = "logreg";
    List<Integer> sizes = List.of(1_000, 10_000, 100_000, 1_000_000);
    int sample = 100;
    int rounds = 3;
    int warmup = 1;
    int epochs = 1;
    double lr = 0.01;
    String alphaBeta = "1,1";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--model" -> model = args[i + 1];
        case "--clients" -> sizes = java.util.Arrays.stream(args[i + 1].split(",")).map(Integer::valueOf).toList();
        case "--sample" -> sample = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--epochs" -> epochs = Integer.parseInt(args[i + 1]);
        case "--lr" -> lr = Double.parseDouble(args[i + 1]);
        case "--alpha-beta" -> alphaBeta = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; allowed: --model, --clients, --sample, --rounds, --warmup, --epochs, --lr, --alpha-beta");
      }
    }
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", "1");
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
    long seed = 42;
    SyntheticFederation federation = SyntheticFederation.parse(alphaBeta, seed, 0.2);
    Trainer trainer = ModelZoo.standard().newTrainer(model, SyntheticFederation.SCHEMA);
    HeapPeak heap = new HeapPeak();
    System.out.printf("%s, model %s, %d sampled per round, E=%d, batch 10, lr %s, %d measured round(s) after %d warm-up; "
            + "JDK %s, max heap %d MiB, %d CPUs, PyTorch threads %s%n%n",
        federation, model, sample, epochs, lr, rounds, warmup, Runtime.version(),
        Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(),
        System.getProperty("ai.djl.pytorch.num_threads"));
    System.out.println("| registered clients | s/round | CPU s/round | training examples/round | CPU ms per 1,000 examples "
        + "| peak heap MiB | most heap after a GC MiB | test accuracy |");
    System.out.println("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (int n : sizes) {
      System.gc();
      heap.reset();
      ClientIds ids = ClientIds.of(n);
      Dataset heldOut = federation.heldOut(n);
      var clients = InProcessClients.virtual(trainer, federation, n, 1);
      double fraction = Math.min(1.0, (double) sample / n);
      var strategy = new FedAvg(new FitConfig(epochs, 10, lr, seed), fraction, Math.min(sample, n), 0);
      List<Double> seconds = new ArrayList<>();
      List<Double> cpuSeconds = new ArrayList<>();
      var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      long[] cpuAtStart = {0};
      List<Long> examples = new ArrayList<>();
      double[] accuracy = {Double.NaN};
      int total = warmup + rounds;
      int skip = warmup;
      RoundEngine engine = new RoundEngine(strategy, clients, new RunConfig(total, 1, Duration.ofHours(1), seed),
          Optional.of(global -> trainer.evaluate(global, heldOut)), event -> {
            if (event instanceof RunEvent.RoundStarted s) {
              cpuAtStart[0] = os.getProcessCpuTime();
            }
            if (event instanceof RunEvent.RoundStarted s && s.round() > skip) {
              examples.add(s.sampled().stream().mapToLong(id -> {
                int e = federation.examples(ids.indexOf(id));
                return e - Math.max(1, Math.round(e * federation.testFraction()));
              }).sum());
            } else if (event instanceof RunEvent.RoundFinished f && f.metrics().round() > skip) {
              seconds.add(f.metrics().seconds());
              cpuSeconds.add((os.getProcessCpuTime() - cpuAtStart[0]) / 1e9);
              accuracy[0] = f.metrics().testAccuracy();
            }
          });
      ParameterSet initial = trainer.initialParameters(seed);
      engine.run(initial);
      double s = seconds.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
      double c = cpuSeconds.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
      double ex = examples.stream().mapToLong(Long::longValue).average().orElse(Double.NaN);
      System.out.printf("| %,d | %.2f | %.2f | %,.0f | %.1f | %d | %d | %.4f |%n", n, s, c, ex, 1e6 * c / ex,
          heap.peakBytes() >> 20, heap.maxAfterGcBytes() >> 20, accuracy[0]);
    }
  }
}
