package dev.shoal.bench;

import dev.shoal.bench.FloorWire.Slice;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The clients of {@link TransportFloor}, in a JVM of their own: each on its own connection waits
 * for a round, downloads the model and uploads an update of the same size, under flow control,
 * until the server answers a round of -1.
 *
 * <p>Usage: {@code FloorClients PORT COUNT BYTES}
 */
final class FloorClients {

  private FloorClients() {}

  /** Starts the clients in a child JVM with this JVM's class path, access flags and system properties. */
  static Process start(int port, int count, int bytes) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(a -> a.startsWith("--") || a.startsWith("-D")).forEach(cmd::add);
    cmd.addAll(List.of("-Xmx3g", "-cp", System.getProperty("java.class.path"), FloorClients.class.getName(),
        String.valueOf(port), String.valueOf(count), String.valueOf(bytes)));
    return new ProcessBuilder(cmd).inheritIO().start();
  }

  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(args[0]);
    int count = Integer.parseInt(args[1]);
    int bytes = Integer.parseInt(args[2]);
    List<Thread> clients = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] update = new byte[bytes];
      new SplittableRandom(i + 2).nextBytes(update);
      clients.add(Thread.ofPlatform().start(() -> run(port, update)));
    }
    for (Thread t : clients) {
      t.join();
    }
  }

  private static void run(int port, byte[] update) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
        .maxInboundMessageSize(FloorWire.MAX_MESSAGE).build();
    try {
      while (true) {
        int round = ClientCalls.blockingUnaryCall(channel, FloorWire.NEXT, CallOptions.DEFAULT, 0);
        if (round < 0) {
          return;
        }
        download(channel, round, update.length);
        upload(channel, update);
      }
    } finally {
      channel.shutdownNow();
    }
  }

  /** Reads the round's model out of the network buffers; the server sends one as large as the update. */
  private static void download(ManagedChannel channel, int round, int bytes) {
    long received = 0;
    var messages = ClientCalls.blockingServerStreamingCall(channel, FloorWire.DOWNLOAD, CallOptions.DEFAULT, round);
    while (messages.hasNext()) {
      received += messages.next().length();
    }
    if (received != bytes) {
      throw new IllegalStateException("round %d: downloaded %d bytes of a %d-byte model".formatted(round, received, bytes));
    }
  }

  private static void upload(ManagedChannel channel, byte[] update) {
    CompletableFuture<Integer> done = new CompletableFuture<>();
    Semaphore ready = new Semaphore(0);
    var observer = new ClientResponseObserver<Slice, Integer>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<Slice> call) {
        call.setOnReadyHandler(ready::release);
      }

      @Override
      public void onNext(Integer value) {
        done.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        done.complete(0);
      }
    };
    var call = (ClientCallStreamObserver<Slice>) ClientCalls.asyncClientStreamingCall(
        channel.newCall(FloorWire.UPLOAD, CallOptions.DEFAULT), observer);
    for (int offset = 0; offset < update.length; offset += FloorWire.CHUNK) {
      while (!call.isReady()) {
        ready.acquireUninterruptibly();
      }
      call.onNext(new Slice(update, offset, Math.min(FloorWire.CHUNK, update.length - offset)));
    }
    call.onCompleted();
    done.join();
  }
}
