package dev.shoal.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

class RepeatedWarningsTest {

  /** A logger that keeps what it is given. */
  static final class Lines extends LegacyAbstractLogger {
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    protected String getFullyQualifiedCallerName() {
      return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String format, Object[] args, Throwable t) {
      lines.add(level + " " + MessageFormatter.basicArrayFormat(format, args));
    }

    @Override
    public boolean isTraceEnabled() {
      return true;
    }

    @Override
    public boolean isDebugEnabled() {
      return true;
    }

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }
  }

  final Lines log = new Lines();
  final AtomicLong now = new AtomicLong();
  final RepeatedWarnings warnings = new RepeatedWarnings(log, Duration.ofSeconds(10), now::get);

  void refuse(String caller) {
    warnings.warn("upload-total", "call refused caller={} reason=\"{}\"", caller, "more than 64 uploads");
  }

  @Test
  void theFirstOfAKindIsLoggedAndTheRestAreCountedInOneLine() {
    for (int i = 0; i < 98; i++) {
      refuse("node-" + i);
    }
    warnings.warn("other", "node offline node={}", "x");
    assertThat(log.lines).containsExactly(
        "WARN call refused caller=node-0 reason=\"more than 64 uploads\"",
        "WARN node offline node=x");
    now.set(Duration.ofSeconds(10).toNanos());
    warnings.closeExpired();
    assertThat(log.lines).containsExactly(
        "WARN call refused caller=node-0 reason=\"more than 64 uploads\"",
        "WARN node offline node=x",
        "WARN call refused caller=node-0 reason=\"more than 64 uploads\" … and 97 more like this in the last 10 s");
  }

  @Test
  void aWarningAfterTheWindowIsLoggedAgainAfterTheSummary() {
    refuse("a");
    refuse("b");
    now.set(Duration.ofSeconds(11).toNanos());
    refuse("c");
    assertThat(log.lines).containsExactly(
        "WARN call refused caller=a reason=\"more than 64 uploads\"",
        "WARN call refused caller=a reason=\"more than 64 uploads\" … and 1 more like this in the last 10 s",
        "WARN call refused caller=c reason=\"more than 64 uploads\"");
    warnings.flush();
    assertThat(log.lines).hasSize(3); // nothing was held back since c
  }

  @Test
  void theTimerWritesTheSummaryWhenTheStormEnds() throws Exception {
    var real = new RepeatedWarnings(log, Duration.ofMillis(50));
    real.warn("k", "busy {}", 1);
    real.warn("k", "busy {}", 2);
    real.warn("k", "busy {}", 3);
    while (log.lines.size() < 2) {
      Thread.sleep(10);
    }
    assertThat(log.lines).containsExactly("WARN busy 1", "WARN busy 1 … and 2 more like this in the last 50 ms");
  }
}
