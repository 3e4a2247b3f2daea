package dev.shoal.app.log;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * A log event's message with every control character escaped ({@code \n}, {@code \x00}, …), so
 * text a node or a file supplied can neither start a forged log line nor hide the lines after it
 * from a terminal or a filter. The logback pattern uses it as {@code %escapedMsg}.
 */
public final class EscapedMessage extends ClassicConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return escape(event.getFormattedMessage());
  }

  /** {@code text} with control characters written as escapes; everything else as it is. */
  public static String escape(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder b = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String escaped = switch (c) {
        case '\n' -> "\\n";
        case '\r' -> "\\r";
        case '\t' -> "\\t";
        default -> Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? "\\x%02x".formatted((int) c) : null;
      };
      if (escaped != null && b == null) {
        b = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (b != null) {
        if (escaped != null) {
          b.append(escaped);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? text : b.toString();
  }
}
