package dev.shoal.app;

import picocli.CommandLine.Option;

/** {@code --insecure}: plaintext gRPC must be asked for explicitly, on every side. */
final class PlaintextOption {

  @Option(names = "--insecure", description = "Use plaintext gRPC (required until TLS is available).")
  boolean insecure;

  void require() {
    if (!insecure) {
      throw new UserError("TLS is not available yet: pass --insecure to the coordinator, every node and shoal status"
          + " to use plaintext gRPC");
    }
  }
}
