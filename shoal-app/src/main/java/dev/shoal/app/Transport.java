package dev.shoal.app;

/** How a simulation's clients reach the round engine: {@code --transport} and {@code --processes}. */
enum Transport {
  /** Clients are objects in this process, called directly. */
  INPROC,
  /** A gRPC coordinator on loopback with mutual TLS, one node per client on a thread of this process. */
  GRPC_THREADS,
  /** A gRPC coordinator on loopback with mutual TLS, one node per client in its own OS process. */
  GRPC_PROCESSES;

  static Transport parse(String transport, boolean processes) {
    Transport t = switch (transport) {
      case "inproc" -> INPROC;
      case "grpc" -> processes ? GRPC_PROCESSES : GRPC_THREADS;
      default -> throw new UsageError("--transport must be inproc or grpc, got '" + transport + "'");
    };
    if (processes && t == INPROC) {
      throw new UsageError("--processes needs --transport grpc: in-process clients cannot run in other processes");
    }
    return t;
  }

  String describe() {
    return switch (this) {
      case INPROC -> "in-process clients";
      case GRPC_THREADS -> "gRPC with mutual TLS on loopback, one node thread per client";
      case GRPC_PROCESSES -> "gRPC with mutual TLS on loopback, one node process per client";
    };
  }
}
