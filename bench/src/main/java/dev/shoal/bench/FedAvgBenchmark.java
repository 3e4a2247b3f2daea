package dev.shoal.bench;

import dev.shoal.strategy.FedAvg;
import dev.shoal.strategy.FitAggregation;
import dev.shoal.strategy.FitReply;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.FitConfig;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How fast FedAvg folds updates: one invocation folds {@code clients} updates of {@code
 * parameters} float32 values into a fresh aggregate and produces the mean. The {@code
 * updateBytes} counter reports update data folded per second.
 *
 * <p>Sizes: 199,210 is the 2NN (mlp), 1,663,370 the FedAvg CNN, 10,000,000 a larger model.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g", "-XX:+AlwaysPreTouch"})
public class FedAvgBenchmark {

  @Param({"199210", "1663370", "10000000"})
  int parameters;

  @Param({"10"})
  int clients;

  private ParameterSet global;
  private List<FitReply> updates;
  private final FedAvg fedAvg = new FedAvg(new FitConfig(1, 32, 0.1, 1), 1.0, 1, 0.0);

  /** Bytes of update data folded, reported per second. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Folded {
    public long updateBytes;

    @Setup(Level.Iteration)
    public void reset() {
      updateBytes = 0;
    }
  }

  @Setup
  public void setUp() {
    SplittableRandom rnd = new SplittableRandom(7);
    global = layout(parameters, new float[parameters]);
    updates = new java.util.ArrayList<>();
    for (int c = 0; c < clients; c++) {
      float[] values = new float[parameters];
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) rnd.nextGaussian();
      }
      updates.add(new FitReply("client-" + c, layout(parameters, values), 100 + c, Map.of()));
    }
  }

  /** Splits {@code values} into a weight matrix and a bias, like a dense layer. */
  private static ParameterSet layout(int n, float[] values) {
    int bias = Math.min(1000, n / 10);
    float[] w = java.util.Arrays.copyOfRange(values, 0, n - bias);
    float[] b = java.util.Arrays.copyOfRange(values, n - bias, n);
    return new ParameterSet(List.of(new Tensor("w", new int[] {n - bias}, w), new Tensor("b", new int[] {bias}, b)));
  }

  @Benchmark
  public ParameterSet fold(Folded folded) throws Exception {
    FitAggregation agg = fedAvg.beginFit(1, global);
    for (FitReply u : updates) {
      agg.add(u);
    }
    folded.updateBytes += 4L * parameters * clients;
    return agg.result();
  }
}
