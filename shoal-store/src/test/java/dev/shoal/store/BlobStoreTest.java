package dev.shoal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.SafetensorsException;
import dev.shoal.tensor.Tensor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {

  @TempDir Path dir;
  BlobStore blobs;

  @BeforeEach
  void open() throws IOException {
    blobs = BlobStore.open(dir);
  }

  static ParameterSet model(float value) {
    return new ParameterSet(
        List.of(new Tensor("w", new int[] {2, 2}, new float[] {value, 2, 3, 4}),
            new Tensor("b", new int[] {2}, new float[] {0.5f, -1})),
        Map.of("round", "1"));
  }

  @Test
  void storesBytesUnderTheirHashInTwoLevels() throws IOException {
    byte[] bytes = "hello".getBytes(StandardCharsets.UTF_8);
    ContentId id = blobs.put(bytes);
    assertThat(id).isEqualTo(ContentId.of(bytes));
    String hex = id.value().substring("sha256:".length());
    Path expected = dir.toAbsolutePath().resolve("blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex.substring(2));
    assertThat(blobs.path(id)).isEqualTo(expected);
    assertThat(expected).hasBinaryContent(bytes);
    assertThat(blobs.contains(id)).isTrue();
    assertThat(blobs.size(id)).isEqualTo(5);
    assertThat(blobs.read(id)).isEqualTo(bytes);
    try (InputStream in = blobs.open(id)) {
      assertThat(in.readAllBytes()).isEqualTo(bytes);
    }
    blobs.verify(id);
  }

  @Test
  void aStoredModelOpensWithTheIdItsBytesHashTo() throws IOException {
    ContentId id = blobs.putModel(model(1));

    assertThat(blobs.openModel(id).contentId()).contains(id);
    assertThat(blobs.openModel(id).contentId()).contains(ContentId.of(Files.readAllBytes(blobs.path(id))));
    assertThat(dev.shoal.tensor.SafetensorsFile.open(blobs.path(id)).contentId()).isEmpty();
  }

  @Test
  void storingTheSameContentTwiceIsANoOp() throws IOException {
    byte[] bytes = "same".getBytes(StandardCharsets.UTF_8);
    ContentId first = blobs.put(bytes);
    Path file = blobs.path(first);
    var modified = Files.getLastModifiedTime(file);
    ContentId second = blobs.put(bytes);
    ContentId third = blobs.put(new ByteArrayInputStream(bytes));
    assertThat(second).isEqualTo(first);
    assertThat(third).isEqualTo(first);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(modified);
    assertThat(blobFiles()).containsExactly(file);
  }

  @Test
  void streamsLargeContentThroughATemporaryFile() throws IOException {
    long size = 8L * 1024 * 1024 + 3;
    InputStream generated = new InputStream() {
      long left = size;

      @Override
      public int read() {
        return left-- > 0 ? (int) (left % 251) : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        for (int i = 0; i < n; i++) {
          b[off + i] = (byte) (--left % 251);
        }
        return n;
      }
    };
    ContentId id = blobs.put(generated);
    assertThat(blobs.size(id)).isEqualTo(size);
    blobs.verify(id);
    assertThat(ContentId.of(blobs.read(id))).isEqualTo(id);
    assertThat(blobs.root().resolve("tmp")).isEmptyDirectory();
  }

  @Test
  void aFailingStreamLeavesNothingBehind() throws IOException {
    InputStream broken = new InputStream() {
      int n;

      @Override
      public int read() throws IOException {
        if (n++ > 1000) {
          throw new IOException("connection reset");
        }
        return 7;
      }
    };
    assertThatThrownBy(() -> blobs.put(broken)).isInstanceOf(IOException.class).hasMessage("connection reset");
    assertThat(blobs.root().resolve("tmp")).isEmptyDirectory();
    assertThat(blobFiles()).isEmpty();
  }

  @Test
  void aMissingBlobIsNamedInTheError() {
    ContentId id = ContentId.of(new byte[] {1});
    assertThat(blobs.contains(id)).isFalse();
    for (ThrowingCall call : List.<ThrowingCall>of(
        () -> blobs.read(id), () -> blobs.open(id), () -> blobs.size(id), () -> blobs.verify(id),
        () -> blobs.readModel(id))) {
      assertThatThrownBy(call::run)
          .isInstanceOf(BlobNotFoundException.class)
          .hasMessageContaining(id.value())
          .hasMessageContaining(blobs.path(id).toString())
          .satisfies(e -> assertThat(((BlobNotFoundException) e).id()).isEqualTo(id));
    }
  }

  @Test
  void aCorruptBlobIsRefusedWithItsIdAndPath() throws IOException {
    ContentId id = blobs.put("original".getBytes(StandardCharsets.UTF_8));
    Path file = blobs.path(id);
    Files.write(file, "damaged!".getBytes(StandardCharsets.UTF_8));
    ContentId actual = ContentId.of("damaged!".getBytes(StandardCharsets.UTF_8));
    for (ThrowingCall call : List.<ThrowingCall>of(() -> blobs.read(id), () -> blobs.verify(id))) {
      assertThatThrownBy(call::run)
          .isInstanceOf(CorruptBlobException.class)
          .hasMessageContaining(id.value())
          .hasMessageContaining(file.toString())
          .hasMessageContaining("corrupt")
          .satisfies(e -> assertThat(((CorruptBlobException) e).actual()).isEqualTo(actual));
    }
  }

  @Test
  void aTruncatedBlobIsRewrittenWhenTheContentIsStoredAgain() throws IOException {
    byte[] bytes = "full content".getBytes(StandardCharsets.UTF_8);
    ContentId id = blobs.put(bytes);
    Files.write(blobs.path(id), new byte[] {1, 2});
    assertThat(blobs.put(new ByteArrayInputStream(bytes))).isEqualTo(id);
    assertThat(blobs.read(id)).isEqualTo(bytes);
    Files.write(blobs.path(id), new byte[] {1, 2});
    assertThat(blobs.put(bytes)).isEqualTo(id);
    assertThat(blobs.read(id)).isEqualTo(bytes);
  }

  @Test
  void modelsRoundTripAndAreAddressedByTheirCanonicalEncoding() throws IOException {
    ParameterSet model = model(1.5f);
    ContentId id = blobs.putModel(model);
    assertThat(id).isEqualTo(ContentId.of(model));
    assertThat(blobs.readModel(id)).isEqualTo(model);
    assertThat(blobs.putModel(model(1.5f))).isEqualTo(id);
    assertThat(blobs.putModel(model(2.5f))).isNotEqualTo(id);
  }

  @Test
  void aBlobThatIsNotAModelIsReportedAsSuch() throws IOException {
    ContentId id = blobs.put("not safetensors".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> blobs.readModel(id))
        .isInstanceOf(SafetensorsException.class)
        .hasMessageContaining(blobs.path(id).toString());
  }

  @Test
  void removesTemporaryFilesLeftByKilledWriters() throws IOException {
    ContentId id = blobs.put(new byte[] {42});
    Path shard = blobs.path(id).getParent();
    Files.write(blobs.root().resolve("tmp/0123456789abcdef.tmp"), new byte[] {1});
    Files.write(shard.resolve(".deadbeef.0123456789abcdef.tmp"), new byte[] {1});
    assertThat(blobs.removeTemporaryFiles()).isEqualTo(2);
    assertThat(blobFiles()).containsExactly(blobs.path(id));
    assertThat(blobs.read(id)).containsExactly(42);
    assertThat(blobs.removeTemporaryFiles()).isZero();
  }

  @Test
  void reopeningFindsWhatWasStored() throws IOException {
    ContentId id = blobs.put(new byte[] {1, 2, 3});
    assertThat(BlobStore.open(dir).read(id)).containsExactly(1, 2, 3);
  }

  private List<Path> blobFiles() throws IOException {
    try (Stream<Path> files = Files.walk(blobs.root().resolve("sha256"))) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  @FunctionalInterface
  interface ThrowingCall {
    void run() throws Exception;
  }
}
