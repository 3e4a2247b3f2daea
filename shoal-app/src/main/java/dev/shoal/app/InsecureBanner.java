package dev.shoal.app;

import java.io.PrintStream;

/**
 * What every participant running with {@code --insecure} says when it starts, what {@code shoal
 * status} says of a plaintext coordinator, and what the dashboard shows: that nothing on the wire
 * is encrypted and nobody is authenticated.
 */
final class InsecureBanner {

  static final String TEXT = """
      ************************************************************************
      * INSECURE: plaintext gRPC (--insecure). Traffic is neither encrypted  *
      * nor authenticated: anyone who can reach the port can read models and *
      * updates and join under any valid node name. Use --kit in production. *
      ************************************************************************""";

  private InsecureBanner() {}

  static void print(PrintStream out) {
    out.println(TEXT);
  }
}
