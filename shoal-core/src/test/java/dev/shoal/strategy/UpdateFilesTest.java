package dev.shoal.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.tensor.SafetensorsException;
import dev.shoal.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateFilesTest {

  @TempDir Path dir;

  /** Tensors of sizes around the fold's 8,192-value chunk and the split between threads. */
  private static final int[][] SHAPES = {{300, 91}, {7}, {}, {8193}, {0}, {2, 3, 5, 11}};

  private static ParameterSet update(long seed, long examples) {
    var rng = new SplittableRandom(seed);
    List<Tensor> tensors = new ArrayList<>();
    for (int t = 0; t < SHAPES.length; t++) {
      float[] v = new float[(int) Tensor.elementCount(SHAPES[t])];
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (rng.nextGaussian() * 0.1);
      }
      tensors.add(new Tensor("layer" + t + ".weight", SHAPES[t], v));
    }
    return new ParameterSet(tensors, Map.of(
        Metadata.MODEL, "test", Metadata.BASE_MODEL, "sha256:00", Metadata.NUM_EXAMPLES, Long.toString(examples)));
  }

  private List<Path> write(List<ParameterSet> updates) throws Exception {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < updates.size(); i++) {
      Path f = dir.resolve("u" + i + ".safetensors");
      Safetensors.write(updates.get(i), f);
      files.add(f);
    }
    return files;
  }

  @Test
  void theMeanIsTheExampleWeightedMeanAndTheSameForAnyNumberOfThreads() throws Exception {
    List<ParameterSet> updates = new ArrayList<>();
    for (int i = 0; i < 13; i++) {
      updates.add(update(i, 10 + 7L * i));
    }
    List<Path> files = write(updates);

    ParameterSet one = UpdateFiles.aggregate(files, 1);
    assertThat(UpdateFiles.aggregate(files, 2)).isEqualTo(one);
    assertThat(UpdateFiles.aggregate(files, 5)).isEqualTo(one);

    long total = updates.stream().mapToLong(u -> Long.parseLong(u.metadata(Metadata.NUM_EXAMPLES).orElseThrow())).sum();
    assertThat(one.metadata()).containsEntry(Metadata.NUM_EXAMPLES, Long.toString(total))
        .containsEntry(Metadata.MODEL, "test").doesNotContainKey(Metadata.BASE_MODEL);
    assertThat(one.names()).isEqualTo(updates.get(0).names());
    double maxError = 0;
    for (String name : one.names()) {
      float[] got = one.read(name).data();
      assertThat(one.read(name).shape()).isEqualTo(updates.get(0).read(name).shape());
      for (int i = 0; i < got.length; i++) {
        double expected = 0;
        for (ParameterSet u : updates) {
          expected += Long.parseLong(u.metadata(Metadata.NUM_EXAMPLES).orElseThrow()) * (double) u.read(name).data()[i];
        }
        maxError = Math.max(maxError, Math.abs(expected / total - got[i]));
      }
    }
    assertThat(maxError).isLessThan(1e-7);
  }

  @Test
  void aNonFiniteValueNamesTheEarliestFileTheTensorAndTheIndex() throws Exception {
    List<ParameterSet> updates = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      updates.add(update(i, 5));
    }
    updates.get(4).read("layer3.weight").data()[8192] = Float.NaN;
    updates.get(2).read("layer0.weight").data()[20_000] = Float.POSITIVE_INFINITY;
    updates.get(2).read("layer5.weight").data()[1] = Float.NaN;
    List<Path> files = write(updates);
    for (int threads : new int[] {1, 2, 3}) {
      assertThatThrownBy(() -> UpdateFiles.aggregate(files, threads))
          .isInstanceOf(SafetensorsException.class)
          .hasMessage(files.get(2) + ": tensor 'layer0.weight' holds a non-finite value (Infinity) at index 20000");
    }
  }

  @Test
  void everyHeaderIsCheckedBeforeAnyValueIsRead() throws Exception {
    List<ParameterSet> updates = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      updates.add(update(i, 5));
    }
    updates.get(0).read("layer1.weight").data()[0] = Float.NaN;
    List<Path> files = new ArrayList<>(write(updates));

    Path wrongShape = dir.resolve("shape.safetensors");
    List<Tensor> tensors = new ArrayList<>(updates.get(1).tensors());
    tensors.set(1, new Tensor("layer1.weight", new int[] {1, 7}, tensors.get(1).data()));
    Safetensors.write(new ParameterSet(tensors, updates.get(1).metadata()), wrongShape);
    assertThatThrownBy(() -> UpdateFiles.aggregate(List.of(files.get(0), files.get(1), wrongShape)))
        .hasMessage(wrongShape + ": tensor 'layer1.weight' has shape [1, 7], expected [7] (compared with " + files.get(0) + ")");

    Path otherBase = dir.resolve("base.safetensors");
    Safetensors.write(updates.get(1).withMetadata(Metadata.BASE_MODEL, "sha256:11"), otherBase);
    assertThatThrownBy(() -> UpdateFiles.aggregate(List.of(files.get(0), otherBase)))
        .hasMessageStartingWith(otherBase + ": base_model is 'sha256:11' but " + files.get(0) + " has 'sha256:00'");

    Path noWeight = dir.resolve("weight.safetensors");
    Safetensors.write(updates.get(1).withMetadata(Metadata.NUM_EXAMPLES, "0"), noWeight);
    assertThatThrownBy(() -> UpdateFiles.aggregate(List.of(files.get(0), noWeight)))
        .hasMessage(noWeight + ": num_examples must be a positive integer, found '0'");

    Path extra = dir.resolve("extra.safetensors");
    List<Tensor> more = new ArrayList<>(updates.get(1).tensors());
    more.add(new Tensor("bonus", new int[] {1}, new float[] {1}));
    Safetensors.write(new ParameterSet(more, updates.get(1).metadata()), extra);
    assertThatThrownBy(() -> UpdateFiles.aggregate(List.of(files.get(0), extra)))
        .hasMessageContaining(extra + ": unexpected tensor 'bonus'");

    Path half = dir.resolve("f16.safetensors");
    String header = "{\"__metadata__\":{\"num_examples\":\"3\"},\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}";
    byte[] json = header.getBytes(StandardCharsets.US_ASCII);
    var buf = java.nio.ByteBuffer.allocate(8 + json.length + 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    buf.putLong(json.length).put(json).putInt(0);
    Files.write(half, buf.array());
    assertThatThrownBy(() -> UpdateFiles.aggregate(List.of(files.get(0), half)))
        .hasMessageContaining(half + ": tensor 'a' has dtype F16; Shoal reads F32 (float32) tensors only");
  }

  @Test
  void aSingleUpdateIsItsOwnMean() throws Exception {
    ParameterSet u = update(3, 17);
    Path f = write(List.of(u)).get(0);
    ParameterSet mean = UpdateFiles.aggregate(List.of(f), 2);
    for (String name : u.names()) {
      assertThat(mean.read(name).data()).containsExactly(u.read(name).data());
    }
  }
}
