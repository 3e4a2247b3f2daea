package dev.shoal.bench;

import dev.shoal.bench.FloorWire.Slice;
import dev.shoal.store.BlobStore;
import dev.shoal.store.UnbufferedFile;
import dev.shoal.tensor.ContentId;
import io.grpc.HasByteBuffer;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.buffer.AdaptiveByteBufAllocator;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The least a coordinator can spend on a round's bytes over gRPC on this machine, to set beside
 * {@link CoordinatorOverhead}: a bare gRPC server (Netty, with the allocator settings and the
 * virtual-thread executor of Shoal's server) sends one in-memory model to every client and takes
 * an update of the same size back from each, in 1 MiB messages under flow control, with no
 * protobuf, no polling, no engine and no state. Rounds cycle through what the server does with
 * each upload as it arrives: nothing ({@code bytes}); SHA-256 over it ({@code sha256}); SHA-256
 * and Shoal's durable write ({@code sha256+disk}: past the page cache with {@link UnbufferedFile},
 * then forced to disk and moved into a blob store, as the coordinator stores an upload). A child
 * JVM runs the clients ({@link FloorClients}), one TCP connection each, as {@link
 * CoordinatorOverhead}'s nodes do.
 * Prints the server's CPU seconds per round, and their mean per mode over the measured rounds.
 *
 * <p>Usage: {@code TransportFloor [--clients 100] [--bytes 6653480] [--rounds 12] [--warmup 9]}
 * (6,653,480 bytes: the CNN's 1,663,370 float32 parameters)
 */
public final class TransportFloor {

  private static final List<String> MODES = List.of("bytes", "sha256", "sha256+disk");

  private final int clients;
  private final byte[] model;
  private final BlobStore blobs;
  private final List<StreamObserver<Integer>> waiting = new ArrayList<>();
  private volatile String mode = MODES.getFirst();
  private volatile CountDownLatch uploaded = new CountDownLatch(0);

  private TransportFloor(int clients, int bytes, BlobStore blobs) {
    this.clients = clients;
    this.model = new byte[bytes];
    new SplittableRandom(1).nextBytes(model);
    this.blobs = blobs;
  }

  public static void main(String[] args) throws Exception {
    int clients = 100;
    int bytes = 1_663_370 * Float.BYTES;
    int rounds = 12;
    int warmup = 9;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      int v = Integer.parseInt(args[i + 1]);
      switch (args[i]) {
        case "--clients" -> clients = v;
        case "--bytes" -> bytes = v;
        case "--rounds" -> rounds = v;
        case "--warmup" -> warmup = v;
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; options: --clients --bytes --rounds --warmup");
      }
    }
    Path dir = Files.createTempDirectory("shoal-floor");
    try {
      new TransportFloor(clients, bytes, BlobStore.open(dir)).run(rounds, warmup);
    } finally {
      try (var files = Files.walk(dir)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private void run(int rounds, int warmup) throws Exception {
    System.setProperty("io.grpc.netty.shaded.io.netty.allocator.chunkReuseQueueCapacity", "256");
    ServerServiceDefinition service = ServerServiceDefinition.builder("floor.Floor")
        .addMethod(FloorWire.NEXT, ServerCalls.asyncUnaryCall(this::next))
        .addMethod(FloorWire.DOWNLOAD, ServerCalls.asyncServerStreamingCall(this::download))
        .addMethod(FloorWire.UPLOAD_RECEIVED, ServerCalls.asyncClientStreamingCall(this::upload))
        .build();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .maxInboundMessageSize(FloorWire.MAX_MESSAGE)
        .withChildOption(ChannelOption.ALLOCATOR, new AdaptiveByteBufAllocator())
        .executor(Executors.newVirtualThreadPerTaskExecutor())
        .addService(service).build().start();
    Process fleet = FloorClients.start(server.getPort(), clients, model.length);
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    System.out.printf("transport floor: %d clients, %,d bytes each way per client, %d warm-up + %d measured rounds%n",
        clients, model.length, warmup, rounds);
    System.out.printf("%-7s %12s %8s %9s %10s%n", "round", "mode", "wall_s", "server_s", "clients_s");
    Map<String, List<Double>> measured = new LinkedHashMap<>();
    try {
      for (int round = 1; round <= warmup + rounds; round++) {
        mode = MODES.get((round - 1) % MODES.size());
        awaitClients();
        long wall = System.nanoTime();
        long serverCpu = os.getProcessCpuTime();
        long fleetCpu = cpuNanos(fleet);
        uploaded = new CountDownLatch(clients);
        release(round);
        if (!uploaded.await(10, TimeUnit.MINUTES)) {
          throw new IllegalStateException("round " + round + " did not finish within 10 minutes");
        }
        double serverSeconds = (os.getProcessCpuTime() - serverCpu) / 1e9;
        System.out.printf("%-7s %12s %8.2f %9.2f %10.2f%n", round + (round <= warmup ? " warm" : ""), mode,
            (System.nanoTime() - wall) / 1e9, serverSeconds, (cpuNanos(fleet) - fleetCpu) / 1e9);
        if (round > warmup) {
          measured.computeIfAbsent(mode, m -> new ArrayList<>()).add(serverSeconds);
        }
      }
      awaitClients();
      release(-1);
      fleet.waitFor(60, TimeUnit.SECONDS);
    } finally {
      fleet.destroyForcibly();
      server.shutdownNow();
    }
    measured.forEach((m, v) -> System.out.printf("mean %-12s server CPU s per round %.2f (%d rounds, %.2f-%.2f)%n",
        m, v.stream().mapToDouble(d -> d).average().orElseThrow(), v.size(),
        v.stream().mapToDouble(d -> d).min().orElseThrow(), v.stream().mapToDouble(d -> d).max().orElseThrow()));
  }

  private static long cpuNanos(Process p) {
    return p.info().totalCpuDuration().orElseThrow().toNanos();
  }

  private void awaitClients() throws InterruptedException {
    while (true) {
      synchronized (waiting) {
        if (waiting.size() == clients) {
          return;
        }
      }
      Thread.sleep(10);
    }
  }

  /** Answers every client waiting in {@code Next} with {@code round}. */
  private void release(int round) {
    synchronized (waiting) {
      waiting.forEach(o -> {
        o.onNext(round);
        o.onCompleted();
      });
      waiting.clear();
    }
  }

  private void next(Integer ignored, StreamObserver<Integer> reply) {
    synchronized (waiting) {
      waiting.add(reply);
    }
  }

  /** Sends the model as the connection takes it, from the call's on-ready callbacks (never blocking them). */
  private void download(Integer round, StreamObserver<Slice> out) {
    var call = (ServerCallStreamObserver<Slice>) out;
    int[] offset = {0};
    Runnable pump = () -> {
      while (offset[0] < model.length && call.isReady()) {
        call.onNext(new Slice(model, offset[0], Math.min(FloorWire.CHUNK, model.length - offset[0])));
        offset[0] += FloorWire.CHUNK;
        if (offset[0] >= model.length) {
          call.onCompleted();
        }
      }
    };
    call.setOnReadyHandler(pump);
    pump.run();
  }

  private StreamObserver<InputStream> upload(StreamObserver<Integer> reply) {
    Upload upload = new Upload(mode, blobs);
    return new StreamObserver<>() {
      @Override
      public void onNext(InputStream buffers) {
        try (buffers) {
          while (buffers.available() != 0) {
            if (buffers instanceof HasByteBuffer h && h.byteBufferSupported()) {
              ByteBuffer b = h.getByteBuffer();
              int n = b.remaining();
              upload.take(b);
              buffers.skipNBytes(n);
            } else {
              upload.take(ByteBuffer.wrap(buffers.readAllBytes()));
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public void onError(Throwable t) {
        upload.discard();
        System.err.println("an upload failed: " + t);
      }

      @Override
      public void onCompleted() {
        upload.finish();
        reply.onNext(0);
        reply.onCompleted();
        uploaded.countDown();
      }
    };
  }

  /** What the server does with one upload's bytes, by mode. */
  private static final class Upload {

    private final BlobStore blobs;
    private final MessageDigest sha;
    private final Path tmp;
    private final UnbufferedFile file;

    Upload(String mode, BlobStore blobs) {
      this.blobs = blobs;
      sha = mode.equals("bytes") ? null : ContentId.sha256();
      try {
        tmp = mode.equals("sha256+disk") ? blobs.newTemporaryFile() : null;
        file = tmp == null ? null : UnbufferedFile.open(tmp);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void take(ByteBuffer b) throws IOException {
      if (sha != null) {
        sha.update(b.duplicate());
      }
      if (file != null) {
        file.write(b);
      }
    }

    /** Stores the upload as the coordinator stores one (then deletes it: the benchmark keeps nothing). */
    void finish() {
      if (file == null) {
        return;
      }
      ContentId id = ContentId.of(sha);
      try {
        file.finish();
        file.close();
        blobs.moveIn(tmp, id);
        blobs.delete(id);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void discard() {
      if (file == null) {
        return;
      }
      try (file) {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
