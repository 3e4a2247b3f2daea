package dev.shoal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.tensor.ContentId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {

  @TempDir Path dir;

  @Test
  void holdsTheRunStoreAndTheBlobStore() throws IOException {
    Path state = dir.resolve("state");
    ContentId id;
    try (StateDirectory s = StateDirectory.open(state)) {
      assertThat(s.dir()).isEqualTo(state.toAbsolutePath());
      id = s.blobs().put(new byte[] {1});
      s.runs().openRun(RunSpec.of("r", "c", 1, 3));
      assertThat(s.runs().file()).isEqualTo(state.toAbsolutePath().resolve("state.db"));
    }
    assertThat(state.resolve("state.db")).exists();
    assertThat(state.resolve("lock")).exists();
    assertThat(state.resolve("blobs/sha256")).isDirectory();
    try (StateDirectory s = StateDirectory.open(state)) {
      assertThat(s.blobs().read(id)).containsExactly(1);
      assertThat(s.runs().run("r")).isPresent();
    }
  }

  @Test
  void oneProcessAtATime() throws IOException {
    try (StateDirectory held = StateDirectory.open(dir)) {
      assertThatThrownBy(() -> StateDirectory.open(dir))
          .isInstanceOf(StoreException.class)
          .hasMessageContaining("state directory " + dir.toAbsolutePath() + " is in use by another Shoal process")
          .hasMessageContaining(dir.toAbsolutePath().resolve("lock").toString());
      assertThat(held.runs().runs()).isEmpty();
    }
    StateDirectory.open(dir).close();
  }

  @Test
  void removesTemporaryBlobFilesOnOpen() throws IOException {
    StateDirectory.open(dir).close();
    Path leftover = dir.resolve("blobs/tmp/00000000deadbeef.tmp");
    Files.write(leftover, new byte[] {1, 2});
    StateDirectory.open(dir).close();
    assertThat(leftover).doesNotExist();
  }

  @Test
  void releasesTheLockWhenTheDatabaseCannotBeOpened() throws IOException {
    Files.write(dir.resolve("state.db"), "not a database ".repeat(200).getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> StateDirectory.open(dir)).isInstanceOf(StoreException.class);
    Files.delete(dir.resolve("state.db"));
    StateDirectory.open(dir).close();
  }

  @Test
  void isReadableByItsOwnerOnly() throws IOException {
    Path state = dir.resolve("state");
    ContentId id;
    try (StateDirectory s = StateDirectory.open(state)) {
      id = s.blobs().put(new byte[] {1, 2});
      s.runs().openRun(RunSpec.of("r", "c", 1, 3));
    }
    assertThat(mode(state)).isEqualTo("rwx------");
    assertThat(mode(state.resolve("state.db"))).isEqualTo("rw-------");
    try (var files = Files.walk(state)) {
      files.forEach(p -> assertThat(mode(p)).as(p.toString()).isIn("rwx------", "rw-------"));
    }
    // a directory an older version left open to everyone is closed when it is opened again
    Files.setPosixFilePermissions(state, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(state.resolve("state.db"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    try (StateDirectory s = StateDirectory.open(state)) {
      assertThat(s.blobs().read(id)).containsExactly(1, 2);
    }
    assertThat(mode(state)).isEqualTo("rwx------");
    assertThat(mode(state.resolve("state.db"))).isEqualTo("rw-------");
  }

  private static String mode(Path p) {
    try {
      return java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
