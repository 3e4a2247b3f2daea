package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.transport.DiskSpace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A round waits for room in the state directory, and only then. */
class RoundRoomTest {

  @TempDir Path dir;

  @Test
  void aRoundStartsAtOnceWhenThereIsRoomOrWhenTheRoomCannotBeTold() {
    AtomicInteger asked = new AtomicInteger();
    new RoundRoom(dir, () -> {
      asked.incrementAndGet();
      return 100;
    }, 100, Duration.ofHours(1)).await(1);
    new RoundRoom(dir, () -> {
      asked.incrementAndGet();
      return -1;
    }, 100, Duration.ofHours(1)).await(1);
    assertThat(asked).hasValue(2);
  }

  @Test
  void aRoundWaitsUntilThereIsRoom() {
    var free = new ArrayDeque<>(List.of(10L, 50L, 99L, 100L));
    new RoundRoom(dir, free::poll, 100, Duration.ofMillis(1)).await(3);
    assertThat(free).isEmpty();
  }

  @Test
  void aWaitEndsWhenTheThreadIsInterrupted() throws Exception {
    AtomicBoolean returned = new AtomicBoolean();
    Thread waiting = Thread.ofVirtual().start(() -> {
      // the real file system never has this much room
      RoundRoom.of(dir, Long.MAX_VALUE).await(1);
      returned.set(Thread.currentThread().isInterrupted());
    });
    waiting.join(200);
    assertThat(waiting.isAlive()).as("waits while there is no room").isTrue();
    waiting.interrupt();
    waiting.join(Duration.ofSeconds(10));
    assertThat(waiting.isAlive()).isFalse();
    assertThat(returned).as("returns with the interrupt flag still set").isTrue();

    RoundRoom.of(dir, 1).await(1); // and the real file system has a byte free
  }

  @Test
  void aRoundNeedsRoomForMinClientsUploadsTakenOneAfterAnother() {
    // each upload needs twice its size and the reserve free when it arrives; the last of three
    // arrives with two already stored
    long reserve = DiskSpace.forUploads(0, 1);
    assertThat(DiskSpace.forUploads(1000, 3)).isEqualTo(2 * 1000 + 2 * 1000 + reserve);
    assertThat(DiskSpace.forUploads(1000, 0)).as("a secure round writes only its model").isEqualTo(2 * 1000 + reserve);
  }
}
