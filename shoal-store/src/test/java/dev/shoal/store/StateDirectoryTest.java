package dev.shoal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.tensor.ContentId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
      Run run = s.runs().openRun(RunSpec.of("r", "c", 1, 3));
      s.runs().startRound(run.id(), 1);
      s.runs().completeRound(run.id(), Rounds.metrics(1, id), id);
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
  void removesOnOpenTheBlobsNoRunNames() throws IOException {
    ContentId model = Rounds.model(1);
    ContentId base = Rounds.model(0);
    ContentId update = Rounds.model(100);
    ContentId orphan = Rounds.model(7);
    Path stray = dir.resolve("blobs/sha256/ab/not-a-blob");
    try (StateDirectory s = StateDirectory.open(dir)) {
      for (int i : new int[] {0, 1, 100, 7}) {
        s.blobs().put(("model " + i).getBytes(StandardCharsets.UTF_8));
      }
      Run run = s.runs().openRun(RunSpec.of("r", "c", 1, 3));
      s.runs().record(List.of(new Bookkeeping.NodeSeen("a", Instant.EPOCH, NodeStatus.ONLINE)));
      s.runs().startRound(run.id(), 1);
      s.runs().record(List.of(
          new Bookkeeping.Instructed(run.id(), 1, "a", InstructionKind.FIT, base, Map.of(), Instant.EPOCH),
          new Bookkeeping.Received(Result.of(run.id(), 1, "a", update, 10, Map.of()), Instant.EPOCH)));
      s.runs().completeRound(run.id(), Rounds.metrics(1, model), model);
      Files.createDirectories(stray.getParent());
      Files.write(stray, new byte[] {1});
    }
    try (StateDirectory s = StateDirectory.open(dir)) {
      assertThat(s.blobs().contains(model)).isTrue();
      assertThat(s.blobs().contains(base)).as("the model a node's work was based on").isTrue();
      assertThat(s.blobs().contains(update)).as("an accepted update").isTrue();
      assertThat(s.blobs().contains(orphan)).as("an upload no result names").isFalse();
      assertThat(stray).as("a file that is not a blob is left alone").exists();
    }
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
      Run run = s.runs().openRun(RunSpec.of("r", "c", 1, 3));
      s.runs().startRound(run.id(), 1);
      s.runs().completeRound(run.id(), Rounds.metrics(1, id), id);
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
