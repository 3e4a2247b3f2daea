package dev.shoal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.tensor.ContentId;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.Size;

class BlobStoreProperties {

  static Path dir;
  static BlobStore blobs;

  @BeforeContainer
  static void open() {
    try {
      dir = Files.createTempDirectory("blob-properties");
      blobs = BlobStore.open(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterContainer
  static void delete() throws IOException {
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Property(tries = 200)
  void bytesAndStreamsGetTheSameIdAndReadBack(@ForAll @Size(max = 5000) byte[] content) throws IOException {
    ContentId fromBytes = blobs.put(content);
    ContentId fromStream = blobs.put(new ByteArrayInputStream(content));
    assertThat(fromBytes).isEqualTo(ContentId.of(content)).isEqualTo(fromStream);
    assertThat(blobs.read(fromBytes)).isEqualTo(content);
    assertThat(blobs.size(fromBytes)).isEqualTo(content.length);
  }
}
