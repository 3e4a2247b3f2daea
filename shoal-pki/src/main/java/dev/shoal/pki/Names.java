package dev.shoal.pki;

import java.util.regex.Pattern;
import org.bouncycastle.util.IPAddress;

/** What a participant name, a DNS name and an IP address may look like. */
public final class Names {

  /** A participant or federation name: letters, digits, '.', '_' and '-', at most 64 characters. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private static final Pattern HOST = Pattern.compile(
      "(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

  private Names() {}

  public static String checkName(String what, String name) {
    if (!isName(name)) {
      throw new PkiException(what + " " + printable(name) + " is not allowed: use 1 to 64 letters, digits, '.', '_'"
          + " or '-', starting with a letter or digit");
    }
    return name;
  }

  /** Whether {@code name} is a valid participant name. */
  public static boolean isName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Untrusted text made safe to print or log: quoted, control characters, quotes, backslashes and
   * anything outside printable ASCII escaped (newline as backslash-n, NUL as backslash-x00), and cut
   * after 64 characters, so a name can neither forge a log line nor hide one.
   */
  public static String printable(String text) {
    if (text == null) {
      return "(none)";
    }
    StringBuilder b = new StringBuilder("'");
    int limit = 64;
    for (int i = 0; i < text.length(); i++) {
      if (i == limit) {
        b.append("...(").append(text.length()).append(" chars)");
        break;
      }
      char c = text.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '\'' -> b.append("\\'");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append("\\x%02x".formatted((int) c));
          } else if (c > 0x7e) {
            b.append("\\u%04x".formatted((int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('\'').toString();
  }

  static String checkDns(String host) {
    if (host == null || !HOST.matcher(host).matches()) {
      throw new PkiException("'" + host + "' is not a DNS host name");
    }
    return host;
  }

  static String checkIp(String ip) {
    if (ip == null || !IPAddress.isValid(ip)) {
      throw new PkiException("'" + ip + "' is not an IPv4 or IPv6 address");
    }
    return ip;
  }
}
