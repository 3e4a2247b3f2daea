package dev.shoal.secagg;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs one secure aggregation round from the coordinator's side: each stage's requests go to all
 * clients still in, concurrently (one virtual thread per call), and the stage ends when all have
 * answered or {@code stageTimeout} has passed. A call that throws, times out, or returns a reply
 * that fails validation makes its client a dropout at that stage.
 */
public final class SecAggProtocol {

  private SecAggProtocol() {}

  /**
   * Runs a round over a fresh random neighbour graph.
   *
   * @throws IllegalArgumentException if {@code params} fail {@link SecAggParams#check} for the
   *     participants
   * @throws SecAggAbortedException if too few clients are left to complete the round
   */
  public static SecAggResult run(int round, SecAggParams params, List<String> participants, int vectorLength,
      SecAggChannel channel, Duration stageTimeout, SecureRandom random)
      throws SecAggAbortedException, InterruptedException {
    return run(new SecAggServer(params, round, participants, vectorLength, random), channel, stageTimeout);
  }

  /** Runs the round of a freshly made {@code server}. */
  public static SecAggResult run(SecAggServer server, SecAggChannel channel, Duration stageTimeout)
      throws SecAggAbortedException, InterruptedException {
    Map<String, AtomicLong[]> traffic = new HashMap<>();
    for (String c : server.graph().participants()) {
      traffic.put(c, new AtomicLong[] {new AtomicLong(), new AtomicLong()});
    }
    ExecutorService calls = Executors.newVirtualThreadPerTaskExecutor();
    try {
      while (!server.done()) {
        Map<String, SecAggRequest> requests = server.requests();
        Map<String, Future<?>> futures = new HashMap<>();
        for (var e : requests.entrySet()) {
          String client = e.getKey();
          SecAggRequest request = e.getValue();
          traffic.get(client)[0].addAndGet(SecAggCodec.encodedSize(request));
          futures.put(client, calls.submit(() -> {
            SecAggReply reply;
            try {
              reply = channel.call(client, request);
            } catch (Exception x) {
              server.drop(client, describe(x));
              return;
            }
            if (reply == null) {
              server.drop(client, "no reply");
              return;
            }
            traffic.get(client)[1].addAndGet(SecAggCodec.encodedSize(reply));
            server.accept(client, reply);
          }));
        }
        long deadline = System.nanoTime() + stageTimeout.toNanos();
        for (String client : new ArrayList<>(futures.keySet())) {
          Future<?> f = futures.get(client);
          try {
            f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          } catch (TimeoutException e) {
            server.drop(client, "no reply within " + stageTimeout.toMillis() + " ms");
            f.cancel(true); // after the drop, so the interrupted call cannot drop it for another reason
          } catch (ExecutionException e) {
            server.drop(client, describe(e.getCause()));
          }
        }
        server.endStage();
      }
    } finally {
      calls.shutdownNow();
    }
    Map<String, SecAggResult.Traffic> bytes = new HashMap<>();
    traffic.forEach((c, t) -> bytes.put(c, new SecAggResult.Traffic(t[0].get(), t[1].get())));
    return server.result().withTraffic(bytes);
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.replace('"', '\''));
  }
}
