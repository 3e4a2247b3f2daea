package dev.shoal.transport.tls;

import java.util.logging.Handler;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs TLS handshakes that fail before any certificate is checked — above all a plaintext
 * client talking to a TLS coordinator. gRPC reports them only at debug level of
 * java.util.logging; this passes them on as a warning with the reason.
 */
public final class HandshakeFailures {

  private static final Logger log = LoggerFactory.getLogger(HandshakeFailures.class);
  private static final java.util.logging.Logger NEGOTIATION =
      java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.ProtocolNegotiators");
  private static final Pattern PROTOCOL = Pattern.compile("TLS Protocol: (\\S+)");
  private static boolean installed;

  private HandshakeFailures() {}

  /** Starts passing the failures on; idempotent. */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    NEGOTIATION.setLevel(Level.FINE);
    NEGOTIATION.addHandler(new Handler() {
      @Override
      public void publish(LogRecord r) {
        String message = r.getMessage() == null ? "" : r.getMessage();
        if (message.startsWith("TLS negotiation failed")) {
          log.warn("connection refused reason=\"{}\"", reason(message));
        }
      }

      @Override
      public void flush() { }

      @Override
      public void close() { }
    });
  }

  /** gRPC's message carries no exception, but names the protocol the handshake reached. */
  static String reason(String message) {
    Matcher m = PROTOCOL.matcher(message);
    String protocol = m.find() ? m.group(1) : "unknown";
    return protocol.equals("NONE")
        ? "no TLS handshake: the client spoke plaintext, or a TLS version other than 1.3"
        : "TLS handshake failed after agreeing on " + protocol + " (a refused certificate is logged separately)";
  }
}
