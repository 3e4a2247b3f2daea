package dev.shoal.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

  @TempDir Path dir;

  static ParameterSet sample() {
    return new ParameterSet(
        List.of(
            new Tensor("fc1.weight", new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, -6.5f}),
            new Tensor("fc1.bias", new int[] {2}, new float[] {0.25f, -0f}),
            new Tensor("scalar", new int[] {}, new float[] {7})),
        Map.of("round", "3", "num_examples", "800"));
  }

  /** Builds a file by hand, exactly per the format description, with the given header. */
  static byte[] file(String header, float... values) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  @Test
  void roundTripsThroughAFile() throws Exception {
    Path f = dir.resolve("m.safetensors");
    Safetensors.write(sample(), f);
    ParameterSet back = Safetensors.read(f);
    assertThat(back).isEqualTo(sample());
    assertThat(back.names()).containsExactly("fc1.weight", "fc1.bias", "scalar");
    assertThat(Files.size(f)).isEqualTo(Safetensors.encodedSize(sample()));
  }

  @Test
  void writesTheDocumentedLayout() {
    byte[] bytes = Safetensors.encode(new ParameterSet(List.of(new Tensor("w", new int[] {2}, new float[] {1f, -2f}))));
    long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(n % 8).isZero();
    String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    assertThat(header.stripTrailing()).isEqualTo("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}");
    ByteBuffer data = ByteBuffer.wrap(bytes, 8 + (int) n, 8).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(data.getFloat()).isEqualTo(1f);
    assertThat(data.getFloat()).isEqualTo(-2f);
  }

  @Test
  void readsFilesWrittenByOthersWithMetadataAnywhereAndOutOfOrderOffsets() throws Exception {
    String header = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
        + "\"__metadata__\":{\"format\":\"pt\"},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    ParameterSet p = Safetensors.decode(file(header, 1f, 2f), "x.safetensors");
    assertThat(p.tensor("a").orElseThrow().data()).containsExactly(1f);
    assertThat(p.tensor("b").orElseThrow().data()).containsExactly(2f);
    assertThat(p.metadata()).containsEntry("format", "pt");
  }

  @Test
  void equalSetsHaveEqualContentIds() {
    assertThat(ContentId.of(sample())).isEqualTo(ContentId.of(sample()));
    assertThat(ContentId.of(sample()).value()).matches("sha256:[0-9a-f]{64}");
    assertThat(ContentId.of(sample().withMetadata("round", "4"))).isNotEqualTo(ContentId.of(sample()));
  }

  @Test
  void truncatedFileNamesTheFile() {
    byte[] full = Safetensors.encode(sample());
    byte[] cut = java.util.Arrays.copyOf(full, full.length - 3);
    assertThatThrownBy(() -> Safetensors.decode(cut, "cut.safetensors"))
        .isInstanceOf(SafetensorsException.class)
        .hasMessageStartingWith("cut.safetensors: truncated");
    assertThatThrownBy(() -> Safetensors.decode(new byte[5], "tiny.safetensors"))
        .hasMessageStartingWith("tiny.safetensors: truncated");
    assertThatThrownBy(() -> Safetensors.decode(java.util.Arrays.copyOf(full, 20), "head.safetensors"))
        .hasMessageContaining("head.safetensors: truncated: header claims");
  }

  @Test
  void oversizedHeaderIsRefused() {
    ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
    assertThatThrownBy(() -> Safetensors.decode(b.array(), "big.safetensors"))
        .hasMessageContaining("big.safetensors: header length 1099511627776 exceeds the limit");
  }

  @Test
  void overlappingOffsetsAreRefused() {
    String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
    assertThatThrownBy(() -> Safetensors.decode(file(header, 1f, 2f), "o.safetensors"))
        .hasMessageContaining("o.safetensors: tensor 'b' data_offsets [4, 8] overlap");
  }

  @Test
  void holesAndTrailingBytesAreRefused() {
    String hole = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
    assertThatThrownBy(() -> Safetensors.decode(file(hole, 1f, 2f), "h.safetensors"))
        .hasMessageContaining("h.safetensors: hole in the data section");
    String trailing = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    assertThatThrownBy(() -> Safetensors.decode(file(trailing, 1f, 2f), "t.safetensors"))
        .hasMessageContaining("t.safetensors: 4 trailing bytes");
  }

  @Test
  void wrongDtypeIsRefused() {
    String header = "{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}";
    assertThatThrownBy(() -> Safetensors.decode(file(header, 1f), "d.safetensors"))
        .hasMessage("d.safetensors: tensor 'a' has dtype F16; Shoal reads F32 (float32) tensors only");
  }

  @Test
  void offsetsThatDisagreeWithShapeAreRefused() {
    String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
    assertThatThrownBy(() -> Safetensors.decode(file(header, 1f, 2f), "s.safetensors"))
        .hasMessageContaining("s.safetensors: tensor 'a': data_offsets [0, 8] span 8 bytes but shape [3] of F32 needs 12");
  }

  @Test
  void invalidHeadersAreRefused() {
    assertThatThrownBy(() -> Safetensors.decode(file("[1,2]"), "j.safetensors"))
        .hasMessageContaining("j.safetensors: header is not a JSON object");
    assertThatThrownBy(() -> Safetensors.decode(file("{\"a\":"), "j.safetensors"))
        .hasMessageContaining("j.safetensors: header is not valid JSON");
    assertThatThrownBy(() -> Safetensors.decode(file("{\"__metadata__\":{\"round\":3}}"), "m.safetensors"))
        .hasMessageContaining("__metadata__ value for 'round' must be a string");
    String dup = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
        + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    assertThatThrownBy(() -> Safetensors.decode(file(dup, 1f), "dup.safetensors"))
        .hasMessageContaining("dup.safetensors: header is not valid JSON: Duplicate field 'a'");
  }

  @Test
  void missingFileIsNamed() {
    Path missing = dir.resolve("nope.safetensors");
    assertThatThrownBy(() -> Safetensors.read(missing)).hasMessage(missing + ": no such file");
  }
}
