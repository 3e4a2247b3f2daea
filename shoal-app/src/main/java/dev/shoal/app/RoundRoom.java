package dev.shoal.app;

import dev.shoal.federation.Waits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a round back while the coordinator's state directory has no room for it. Without this, a
 * full disk spends the run's remaining rounds: every upload is refused for lack of room, every
 * round ends without an update and is committed unaggregated, and the run reports done. A round
 * starts once there is room for the updates it needs to count (min-clients of them, each taken only
 * with twice its size free) and the model it writes. The wait is logged when it starts, every
 * minute while it lasts, and when it ends.
 */
final class RoundRoom {

  private static final Logger log = LoggerFactory.getLogger(RoundRoom.class);

  private static final Duration REPORT_EVERY = Duration.ofMinutes(1);

  private final Path dir;
  private final LongSupplier freeBytes;
  private final long needed;
  private final Duration poll;

  /**
   * @param freeBytes the free bytes in {@code dir}'s file system now, or a negative number when that
   *     cannot be told (the round then goes ahead)
   */
  RoundRoom(Path dir, LongSupplier freeBytes, long needed, Duration poll) {
    this.dir = dir;
    this.freeBytes = freeBytes;
    this.needed = needed;
    this.poll = poll;
  }

  /** Room for the rounds of a coordinator whose state directory is {@code dir}, as its file system reports it. */
  static RoundRoom of(Path dir, long needed) {
    return new RoundRoom(dir, () -> {
      try {
        return Files.getFileStore(dir).getUsableSpace();
      } catch (IOException e) {
        return -1;
      }
    }, needed, Duration.ofSeconds(5));
  }

  /** Returns once there is room for round {@code round}, or when the thread is interrupted. */
  void await(int round) {
    long free = freeBytes.getAsLong();
    if (free < 0 || free >= needed) {
      return;
    }
    long since = System.nanoTime();
    long reported = since;
    log.warn("round waiting for room round={} dir={} free_bytes={} needed_bytes={}", round, dir, free, needed);
    while (free >= 0 && free < needed) {
      if (!Waits.sleep(poll)) {
        return;
      }
      free = freeBytes.getAsLong();
      if (System.nanoTime() - reported >= REPORT_EVERY.toNanos()) {
        reported = System.nanoTime();
        log.warn("round still waiting for room round={} dir={} free_bytes={} needed_bytes={} waited_s={}", round, dir,
            free, needed, (reported - since) / 1_000_000_000L);
      }
    }
    log.info("round has room round={} free_bytes={} needed_bytes={} waited_s={}", round, free, needed,
        (System.nanoTime() - since) / 1_000_000_000L);
  }
}
