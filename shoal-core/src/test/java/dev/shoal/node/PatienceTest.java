package dev.shoal.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PatienceTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  /** Time that moves only when the patience sleeps. */
  final List<Duration> waits = new ArrayList<>();
  Instant now = T0;
  final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  };
  final Patience patience = new Patience("n", Duration.ofMillis(100), Duration.ofSeconds(5), new SplittableRandom(1),
      clock, d -> {
        waits.add(d);
        now = now.plus(d);
      });

  static TryLaterException busy(Duration retryAfter) {
    return new TryLaterException(TryLaterException.Why.BUSY, "RESOURCE_EXHAUSTED: more than 64 uploads", retryAfter,
        null);
  }

  @Test
  void aCallPutOffForLoadIsTriedAgainUntilItGoesThrough() throws IOException {
    AtomicInteger attempts = new AtomicInteger();
    String verdict = patience.call("update round=1", T0.plusSeconds(60), () -> {
      if (attempts.incrementAndGet() <= 3) {
        throw busy(Duration.ofSeconds(2));
      }
      return "ACCEPTED";
    });
    assertThat(verdict).isEqualTo("ACCEPTED");
    assertThat(attempts).hasValue(4);
    // the coordinator's retry-after, stretched by up to half again
    assertThat(waits).hasSize(3).allSatisfy(w -> assertThat(w).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(3)));
  }

  @Test
  void withoutARetryAfterItBacksOffWithJitter() throws IOException {
    AtomicInteger attempts = new AtomicInteger();
    patience.call("update round=1", T0.plusSeconds(60), () -> {
      if (attempts.incrementAndGet() <= 6) {
        throw new TryLaterException(TryLaterException.Why.UNAVAILABLE, "UNAVAILABLE: restarting", null, null);
      }
      return null;
    });
    assertThat(waits).hasSize(6);
    for (int i = 0; i < waits.size(); i++) {
      assertThat(waits.get(i)).isLessThanOrEqualTo(Duration.ofMillis(Math.min(5000, 100L << i)));
    }
  }

  @Test
  void itGivesUpWhenTheNextAttemptWouldMissTheDeadline() {
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(() -> patience.call("update round=1", T0.plusSeconds(10), () -> {
      attempts.incrementAndGet();
      throw busy(Duration.ofSeconds(4));
    })).isInstanceOf(TryLaterException.class);
    assertThat(attempts.get()).isBetween(2, 3);
    assertThat(now).isBeforeOrEqualTo(T0.plusSeconds(10));
  }

  @Test
  void otherFailuresAreNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    assertThatThrownBy(() -> patience.call("update round=1", null, () -> {
      attempts.incrementAndGet();
      throw new IOException("NOT_FOUND: unknown node");
    })).hasMessage("NOT_FOUND: unknown node");
    assertThat(attempts).hasValue(1);
    assertThat(waits).isEmpty();
  }
}
