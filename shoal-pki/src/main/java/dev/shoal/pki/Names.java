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
    if (name == null || !NAME.matcher(name).matches()) {
      throw new PkiException(what + " '" + name + "' is not allowed: use 1 to 64 letters, digits, '.', '_' or '-',"
          + " starting with a letter or digit");
    }
    return name;
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
