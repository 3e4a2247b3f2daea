package dev.shoal.bench;

import dev.shoal.djl.ModelZoo;
import dev.shoal.encoding.ErrorFeedback;
import dev.shoal.encoding.UpdateCodec;
import dev.shoal.encoding.UpdateEncoding;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Bytes and CPU cost of each update encoding for a model's update: the model's initial
 * parameters moved by seeded Gaussian changes (standard deviation 0.01, the size of a local
 * training step's), encoded as a client does and decoded as the coordinator does. Reports the
 * encoded size as a share of the float32 update and the median time of R encodings and decodings
 * on one thread, next to float32's own safetensors encoding and decoding.
 *
 * <pre>scripts/run-bench.sh UpdateEncodings [--model mlp|cnn] [--repeats 15]</pre>
 */
public final class UpdateEncodings {

  private UpdateEncodings() {}

  public static void main(String[] args) throws Exception {
    String model = "mlp";
    int repeats = 15;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--model" -> model = args[i + 1];
        case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i] + "; allowed: --model, --repeats");
      }
    }
    ParameterSet global = ModelZoo.standard().newTrainer(model).initialParameters(1);
    var rng = new SplittableRandom(2);
    List<Tensor> moved = new ArrayList<>();
    for (Tensor t : global.tensors()) {
      float[] v = t.data().clone();
      for (int k = 0; k < v.length; k++) {
        v[k] += (float) (rng.nextGaussian() * 0.01);
      }
      moved.add(new Tensor(t.name(), t.shape(), v));
    }
    Map<String, String> meta = Map.of("num_examples", "800", "round", "1");
    ParameterSet trained = new ParameterSet(moved, meta);
    long plain = Safetensors.encode(trained).length;
    System.out.printf("%s: %,d parameters, float32 update %,d bytes; median of %d, one thread, JDK %s%n%n",
        model, global.parameterCount(), plain, repeats, Runtime.version());
    System.out.println("| encoding | bytes | share of float32 | encode ms | decode ms |");
    System.out.println("| --- | ---: | ---: | ---: | ---: |");
    double[] enc = new double[repeats];
    double[] dec = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long t = System.nanoTime();
      byte[] b = Safetensors.encode(trained);
      enc[r] = (System.nanoTime() - t) / 1e6;
      t = System.nanoTime();
      Safetensors.decode(b, "u");
      dec[r] = (System.nanoTime() - t) / 1e6;
    }
    System.out.printf("| float32 | %,d | 1.000 | %.1f | %.1f |%n", plain, median(enc), median(dec));
    for (String name : List.of("fp16", "bf16", "int8", "topk:0.01", "topk:0.1")) {
      UpdateEncoding e = UpdateEncoding.parse(name);
      ErrorFeedback feedback = new ErrorFeedback();
      long bytes = 0;
      for (int r = 0; r < repeats; r++) {
        long t = System.nanoTime();
        byte[] b = UpdateCodec.encode(global, trained, meta, e, feedback, new SplittableRandom(r));
        enc[r] = (System.nanoTime() - t) / 1e6;
        t = System.nanoTime();
        UpdateCodec.decode(b, global, e, "u");
        dec[r] = (System.nanoTime() - t) / 1e6;
        bytes = b.length;
      }
      System.out.printf("| %s | %,d | %.3f | %.1f | %.1f |%n", name, bytes, (double) bytes / plain, median(enc), median(dec));
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
