package dev.shoal.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

  @TempDir Path dir;

  @Test
  void readsEachTensorOnDemandAndAgreesWithTheInMemoryCodec() throws Exception {
    // Larger than the 1 MiB read block, so tensors span several blocks.
    var rng = new SplittableRandom(7);
    float[] big = new float[700_001];
    for (int i = 0; i < big.length; i++) {
      big[i] = (float) rng.nextGaussian();
    }
    ParameterSet set = new ParameterSet(List.of(
        new Tensor("big", new int[] {700_001}, big), SafetensorsTest.sample().tensors().get(0)),
        SafetensorsTest.sample().metadata());
    Path file = dir.resolve("m.safetensors");
    Safetensors.write(set, file);

    assertThat(Files.readAllBytes(file)).isEqualTo(Safetensors.encode(set));
    SafetensorsFile view = SafetensorsFile.open(file);
    assertThat(view.names()).containsExactly("big", "fc1.weight");
    assertThat(view.shape("fc1.weight")).hasValue(new int[] {2, 3});
    assertThat(view.shape("nope")).isEmpty();
    assertThat(view.metadata()).isEqualTo(set.metadata());
    assertThat(view.read("big")).isEqualTo(set.read("big"));
    assertThat(view.load()).isEqualTo(set);
    assertThat(ContentId.of(set)).isEqualTo(ContentId.of(Files.readAllBytes(file)));
    assertThatThrownBy(() -> view.read("nope")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTensorIsScannedInBlocksThatMakeUpTheWholeTensor() throws Exception {
    float[] big = new float[700_001];
    for (int i = 0; i < big.length; i++) {
      big[i] = i;
    }
    ParameterSet set = new ParameterSet(List.of(new Tensor("big", new int[] {big.length}, big),
        new Tensor("extra.c", new int[] {1}, new float[] {5})));
    Path file = dir.resolve("s.safetensors");
    Safetensors.write(set, file);
    List<int[]> blocks = new java.util.ArrayList<>();
    float[] seen = new float[big.length];
    // through the view without the "extra." tensors, which must pass the scan on to the file
    SafetensorsFile.open(file).without("extra.").scan("big", (values, from, length) -> {
      blocks.add(new int[] {from, length});
      System.arraycopy(values, 0, seen, from, length);
    });
    assertThat(blocks).containsExactly(new int[] {0, 262_144}, new int[] {262_144, 262_144},
        new int[] {524_288, 175_713});
    assertThat(seen).isEqualTo(big);
    assertThatThrownBy(() -> SafetensorsFile.open(file).without("extra.").scan("extra.c", (v, f, n) -> { }))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aFileCutShortAfterItWasOpenedFailsTheScanByName() throws Exception {
    float[] big = new float[300_000];
    ParameterSet set = new ParameterSet(List.of(new Tensor("big", new int[] {big.length}, big)));
    Path file = dir.resolve("cut-later.safetensors");
    Safetensors.write(set, file);
    SafetensorsFile view = SafetensorsFile.open(file);
    try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
      channel.truncate(Files.size(file) - 1000); // inside the second block
    }
    List<Integer> seen = new java.util.ArrayList<>();
    assertThatThrownBy(() -> view.scan("big", (values, from, length) -> seen.add(from)))
        .isInstanceOf(java.io.UncheckedIOException.class)
        .hasMessage("cannot read tensor 'big' from " + file)
        .hasRootCauseMessage("unexpected end of file");
    assertThat(seen).as("the first, whole block was handed on").containsExactly(0);
    // the read buffer went back to the pool in a state the next scan can use
    Path whole = dir.resolve("whole.safetensors");
    Safetensors.write(set, whole);
    assertThat(SafetensorsFile.open(whole).read("big")).isEqualTo(set.read("big"));
  }

  @Test
  void aBadHeaderIsRefusedWhenTheFileIsOpened() throws Exception {
    Path cut = dir.resolve("cut.safetensors");
    byte[] full = Safetensors.encode(SafetensorsTest.sample());
    Files.write(cut, java.util.Arrays.copyOf(full, full.length - 3));
    assertThatThrownBy(() -> SafetensorsFile.open(cut)).isInstanceOf(SafetensorsException.class)
        .hasMessageStartingWith(cut + ": truncated");
    Path tiny = dir.resolve("tiny.safetensors");
    Files.write(tiny, new byte[5]);
    assertThatThrownBy(() -> SafetensorsFile.open(tiny)).hasMessageContaining("truncated: 5 bytes");
    Path hole = dir.resolve("hole.safetensors");
    Files.write(hole, SafetensorsTest.file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 1f, 2f));
    assertThatThrownBy(() -> SafetensorsFile.open(hole)).hasMessageContaining("hole in the data section");
  }
}
