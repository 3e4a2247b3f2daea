package dev.shoal.pki;

import java.util.Locale;

/** A participant's role, written as the certificate subject's OU. */
public enum Role {
  /** Serves the federation: its certificate is good for TLS servers and clients. */
  COORDINATOR,
  /** Dials the coordinator: its certificate is good for TLS clients only. */
  NODE;

  /** The OU value: {@code coordinator} or {@code node}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code coordinator} or {@code node}, exactly. */
  public static Role parse(String role) {
    for (Role r : values()) {
      if (r.label().equals(role)) {
        return r;
      }
    }
    throw new PkiException("role must be 'coordinator' or 'node', not '" + role + "'");
  }

  @Override
  public String toString() {
    return label();
  }
}
