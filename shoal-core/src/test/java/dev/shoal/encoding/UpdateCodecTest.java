package dev.shoal.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.strategy.Outbound;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.RawTensor;
import dev.shoal.tensor.RawTensors;
import dev.shoal.tensor.Safetensors;
import dev.shoal.tensor.SafetensorsException;
import dev.shoal.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UpdateCodecTest {

  private static final Map<String, String> META = Map.of("num_examples", "40", "round", "3");

  private static ParameterSet model(long seed, double spread) {
    var rng = new SplittableRandom(seed);
    List<Tensor> tensors = new ArrayList<>();
    int[][] shapes = {{200, 500}, {500}, {10, 500}, {10}};
    for (int t = 0; t < shapes.length; t++) {
      float[] v = new float[(int) Tensor.elementCount(shapes[t])];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (rng.nextGaussian() * spread);
      }
      tensors.add(new Tensor("layer" + t, shapes[t], v));
    }
    return new ParameterSet(tensors);
  }

  /** The trained model: the global one moved by small changes. */
  private static ParameterSet moved(ParameterSet global, long seed) {
    var rng = new SplittableRandom(seed);
    List<Tensor> tensors = new ArrayList<>();
    for (Tensor t : global.tensors()) {
      float[] v = t.data().clone();
      for (int i = 0; i < v.length; i++) {
        v[i] += (float) (rng.nextGaussian() * 0.01);
      }
      tensors.add(new Tensor(t.name(), t.shape(), v));
    }
    return new ParameterSet(tensors, META);
  }

  private static byte[] encode(ParameterSet g, ParameterSet x, String encoding, ErrorFeedback f, long seed) {
    return UpdateCodec.encode(g, x, META, UpdateEncoding.parse(encoding), f, new SplittableRandom(seed));
  }

  @Test
  void halfPrecisionEncodingsHalveTheBytesAndRoundEachChangeToTheirPrecision() throws Exception {
    ParameterSet g = model(1, 0.3);
    ParameterSet x = moved(g, 2);
    long plain = Safetensors.encode(x).length;
    for (String e : List.of("fp16", "bf16")) {
      byte[] bytes = encode(g, x, e, new ErrorFeedback(), 1);
      assertThat((double) bytes.length / plain).as(e).isLessThan(0.51);
      ParameterSet back = UpdateCodec.decode(bytes, g, UpdateEncoding.parse(e), "u");
      assertThat(back.metadata()).isEqualTo(META);
      double relative = e.equals("fp16") ? 0x1p-11 : 0x1p-8;
      for (String name : g.names()) {
        float[] want = x.read(name).data();
        float[] base = g.read(name).data();
        float[] got = back.read(name).data();
        for (int i = 0; i < got.length; i++) {
          double change = Math.abs((double) want[i] - base[i]);
          // the change is rounded to the encoding's precision; adding it back to float32 rounds once more
          assertThat(Math.abs((double) got[i] - want[i])).as(e + " " + name + "[" + i + "]")
              .isLessThanOrEqualTo(change * relative + 2 * Math.ulp(Math.max(Math.abs(want[i]), Math.abs(base[i]))) + 0x1p-25);
        }
      }
    }
  }

  @Test
  void int8QuantizesEachTensorToItsOwnScaleWithoutBias() throws Exception {
    ParameterSet g = model(3, 0.3);
    ParameterSet x = moved(g, 4);
    byte[] bytes = encode(g, x, "int8", new ErrorFeedback(), 1);
    assertThat((double) bytes.length / Safetensors.encode(x).length).isLessThan(0.26);
    int runs = 200;
    String name = "layer0";
    float[] base = g.read(name).data();
    float[] want = x.read(name).data();
    float max = 0;
    for (int i = 0; i < want.length; i++) {
      max = Math.max(max, Math.abs(want[i] - base[i]));
    }
    double scale = max / 127.0;
    double[] mean = new double[want.length];
    for (int r = 0; r < runs; r++) {
      float[] got = UpdateCodec.decode(encode(g, x, "int8", new ErrorFeedback(), r), g, UpdateEncoding.parse("int8"), "u")
          .read(name).data();
      for (int i = 0; i < got.length; i++) {
        assertThat(Math.abs((double) got[i] - want[i])).isLessThanOrEqualTo(scale * 1.0001 + 1e-6);
        mean[i] += ((double) got[i] - base[i]) / runs;
      }
    }
    // stochastic rounding is unbiased: the mean of 200 encodings is within a few standard errors (scale/2/14)
    double worst = 0;
    for (int i = 0; i < mean.length; i++) {
      worst = Math.max(worst, Math.abs(mean[i] - (want[i] - base[i])));
    }
    assertThat(worst).isLessThan(scale * 0.25);
  }

  @Test
  void topKSendsTheLargestChangesAndKeepsTheRestForTheNextRound() throws Exception {
    ParameterSet g = model(5, 0.3);
    long p = g.parameterCount();
    ErrorFeedback feedback = new ErrorFeedback();
    UpdateEncoding topk = UpdateEncoding.parse("topk:0.01");
    double[] sentTotal = new double[(int) p];
    double[] changeTotal = new double[(int) p];
    for (int round = 0; round < 3; round++) {
      ParameterSet x = moved(g, 10 + round);
      byte[] bytes = UpdateCodec.encode(g, x, META, topk, feedback, new SplittableRandom(round));
      assertThat((double) bytes.length / Safetensors.encode(x).length).isLessThan(0.03);
      ParameterSet back = UpdateCodec.decode(bytes, g, topk, "u");
      int at = 0;
      int nonzero = 0;
      for (String name : g.names()) {
        float[] base = g.read(name).data();
        float[] want = x.read(name).data();
        float[] got = back.read(name).data();
        for (int i = 0; i < base.length; i++, at++) {
          sentTotal[at] += (double) got[i] - base[i];
          changeTotal[at] += (double) want[i] - base[i];
          if (got[i] != base[i]) {
            nonzero++;
          }
        }
      }
      assertThat(nonzero).isEqualTo((int) UpdateCodec.kept(p, 0.01));
    }
    // what was sent plus what is kept adds up to every change made (error feedback loses nothing)
    double kept = feedback.norm();
    double diff = 0;
    for (int i = 0; i < sentTotal.length; i++) {
      diff += (changeTotal[i] - sentTotal[i]) * (changeTotal[i] - sentTotal[i]);
    }
    assertThat(Math.sqrt(diff)).isCloseTo(kept, org.assertj.core.data.Offset.offset(1e-4));
    assertThat(kept).isPositive();
  }

  @Test
  void aDecoderRefusesWhatDoesNotFitTheRunsEncodingNamingTheUpdate() throws Exception {
    ParameterSet g = model(7, 0.3);
    ParameterSet x = moved(g, 8);
    byte[] fp16 = encode(g, x, "fp16", new ErrorFeedback(), 1);
    assertThatThrownBy(() -> UpdateCodec.decode(fp16, g, UpdateEncoding.parse("bf16"), "update from c1"))
        .isInstanceOf(SafetensorsException.class)
        .hasMessage("update from c1: the update is encoded as 'fp16' but the run uses bf16");
    assertThatThrownBy(() -> UpdateCodec.decode(Safetensors.encode(x), g, UpdateEncoding.parse("int8"), "u"))
        .hasMessageContaining("encoded as nothing");

    RawTensors topk = Safetensors.decodeRaw(encode(g, x, "topk:0.01", new ErrorFeedback(), 1), "u",
        java.util.Set.of("I32", "F32"));
    List<RawTensor> bad = new ArrayList<>(topk.tensors());
    RawTensor idx = bad.get(0);
    byte[] moved = idx.data().clone();
    java.nio.ByteBuffer.wrap(moved).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0, 100_000);
    bad.set(0, new RawTensor(idx.name(), idx.dtype(), idx.shape(), moved));
    assertThatThrownBy(() -> UpdateCodec.decode(Safetensors.encodeRaw(new RawTensors(bad, topk.metadata())), g,
        UpdateEncoding.parse("topk:0.01"), "u"))
        .hasMessageContaining("layer0::indices': index 100000 is out of order or outside 0..99999");
    assertThatThrownBy(() -> UpdateCodec.decode(encode(g, x, "topk:0.05", new ErrorFeedback(), 1), g,
        UpdateEncoding.parse("topk:0.01"), "u")).hasMessageContaining("encoded as 'topk:0.05'");

    RawTensors int8 = Safetensors.decodeRaw(encode(g, x, "int8", new ErrorFeedback(), 1), "u", java.util.Set.of("I8"));
    Map<String, String> noScale = new java.util.HashMap<>(int8.metadata());
    noScale.remove("scale:layer2");
    assertThatThrownBy(() -> UpdateCodec.decode(Safetensors.encodeRaw(new RawTensors(int8.tensors(), noScale)), g,
        UpdateEncoding.parse("int8"), "u")).hasMessage("u: 'scale:layer2' in __metadata__ must be a finite scale >= 0, found none");
  }

  @Test
  void onlyFloat32GoesWithSecureAggregation() {
    assertThat(UpdateEncoding.parse("float32").linear()).isTrue();
    for (String e : List.of("fp16", "bf16", "int8", "topk:0.01")) {
      assertThat(UpdateEncoding.parse(e).linear()).as(e).isFalse();
      assertThatThrownBy(() -> new Outbound(true, 10, 0, 0, UpdateEncoding.parse(e)))
          .hasMessageContaining("update encoding " + e + " cannot go with secure aggregation");
    }
    assertThatThrownBy(() -> UpdateEncoding.parse("zip")).hasMessage(
        "unknown update encoding 'zip'; allowed: float32, fp16, bf16, int8, topk:F (e.g. topk:0.01)");
    assertThatThrownBy(() -> UpdateEncoding.parse("topk:2")).hasMessageContaining("(0, 1]");
  }
}
