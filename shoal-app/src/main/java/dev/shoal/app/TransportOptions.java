package dev.shoal.app;

import picocli.CommandLine.Option;

/** {@code --transport} and {@code --processes}: how a simulation's clients reach the engine. */
final class TransportOptions {

  @Option(names = "--transport", paramLabel = "inproc|grpc", description =
      "inproc: clients are called directly in this process; grpc: a coordinator bound to 127.0.0.1 only"
      + " and one node per client dialling it, over mutual TLS with an ephemeral federation PKI"
      + " (default: grpc for demo, inproc for simulate).")
  String transport;

  @Option(names = "--processes", description = "With --transport grpc: run each node as an OS process of its own.")
  boolean processes;

  /** The chosen transport; {@code fallback} when none was given. */
  Transport resolve(String fallback) {
    return Transport.parse(transport == null ? fallback : transport, processes);
  }
}
