package dev.shoal.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bytes the TCP connections of a local server have delivered so far, summed over its
 * established connections as Linux's {@code ss -ti} reports them: TCP payload (HTTP/2 frames
 * and everything in them; TCP/IP headers excluded), each byte counted once, plus the bytes the
 * server sent again (retransmissions). Empty where {@code ss} is not available.
 */
final class TcpBytes {

  /** Bytes sent (and acknowledged), received, and retransmitted by the server. */
  record Counts(long sent, long received, long retransmitted) {
    Counts minus(Counts o) {
      return new Counts(sent - o.sent, received - o.received, retransmitted - o.retransmitted);
    }
  }

  private static final Pattern SENT = Pattern.compile("\\bbytes_acked:(\\d+)");
  private static final Pattern RETRANSMITTED = Pattern.compile("\\bbytes_retrans:(\\d+)");
  private static final Pattern RECEIVED = Pattern.compile("\\bbytes_received:(\\d+)");

  private TcpBytes() {}

  static Optional<Counts> ofServer(int port) {
    try {
      Process ss = new ProcessBuilder("ss", "-tinH", "state", "established", "( sport = :" + port + " )")
          .redirectErrorStream(true).start();
      String out = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (ss.waitFor() != 0) {
        return Optional.empty();
      }
      return Optional.of(new Counts(sum(SENT.matcher(out)), sum(RECEIVED.matcher(out)),
          sum(RETRANSMITTED.matcher(out))));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static long sum(Matcher m) {
    long total = 0;
    while (m.find()) {
      total += Long.parseLong(m.group(1));
    }
    return total;
  }
}
