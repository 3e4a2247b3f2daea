package dev.shoal.app;

import picocli.CommandLine.Option;

/** {@code --transport} and {@code --processes}: how a simulation's clients reach the engine. */
final class TransportOptions {

  @Option(names = "--transport", defaultValue = "inproc", paramLabel = "inproc|grpc", description =
      "inproc: clients are called directly in this process; grpc: a coordinator bound to 127.0.0.1 only"
      + " (plaintext, which never leaves this host) and one node per client dialling it (default: ${DEFAULT-VALUE}).")
  String transport;

  @Option(names = "--processes", description = "With --transport grpc: run each node as an OS process of its own.")
  boolean processes;

  Transport resolve() {
    return Transport.parse(transport, processes);
  }
}
