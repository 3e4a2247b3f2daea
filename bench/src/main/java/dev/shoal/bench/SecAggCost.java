package dev.shoal.bench;

import dev.shoal.secagg.SecAggChannel;
import dev.shoal.secagg.SecAggClient;
import dev.shoal.secagg.SecAggCodec;
import dev.shoal.secagg.SecAggParams;
import dev.shoal.secagg.SecAggProtocol;
import dev.shoal.secagg.SecAggReply;
import dev.shoal.secagg.SecAggRequest;
import dev.shoal.secagg.SecAggResult;
import dev.shoal.secagg.SecAggServer;
import dev.shoal.secagg.SecAggStage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The cost of a SecAgg+ round ({@code dev.shoal.secagg}) with the default parameters, in one
 * process: n clients and the coordinator run stage by stage on one thread, so each piece of work
 * is timed alone (CPU time of the thread and wall time). Prints, per stage, the mean client time,
 * the coordinator's time, and the bytes per client each way as {@link SecAggCodec} encodes the
 * messages, against a plaintext float32 upload and download (4 bytes per parameter each way).
 * Client figures are means over the clients that answered a stage. Then the same for a round in which a fraction of the clients drop out after sharing their keys
 * (they never upload), so the coordinator must rebuild their masking keys and remove their
 * pairwise masks. Last, the wall time of a whole round run by {@link SecAggProtocol}, all clients
 * at once.
 *
 * <p>Usage: {@code SecAggCost [--clients 100] [--params 1000000] [--dropout 0.1]}
 */
public final class SecAggCost {

  private record Options(int clients, int params, double dropout) {}

  /** Totals of one stage. */
  private static final class Cost {
    long clientCpu;
    long clientWall;
    int clientCalls;
    int asked;
    long coordinatorCpu;
    long coordinatorWall;
    long bytesDown;
    long bytesUp;
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private SecAggCost() {}

  public static void main(String[] args) throws Exception {
    Options o = parse(args);
    SecAggParams p = SecAggParams.defaults(o.clients);
    System.out.printf("SecAgg+ cost: %d clients, %,d parameters, degree %d, threshold %d, %d bits, clip %.1f,"
            + " levels %,d (step %.3g); %d cores, java %s%n",
        o.clients, o.params, p.degree(), p.threshold(), p.bits(), p.clip(), p.levels(), p.clip() / p.levels(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    System.out.println("warming up (10 clients, 20,000 parameters) ...");
    round(new Options(10, 20_000, 0), SecAggParams.defaults(10), 0, false);
    round(o, p, 0, true);
    if (o.dropout > 0) {
      round(o, p, o.dropout, true);
    }
    concurrent(o, p);
  }

  /**
   * The same round as the coordinator runs it: {@link SecAggProtocol} sends each stage to all
   * clients at once on virtual threads, here to in-process clients. Wall time end to end, with the
   * clients' inputs made inside their calls.
   */
  private static void concurrent(Options o, SecAggParams p) throws Exception {
    SecureRandom random = new SecureRandom();
    List<String> names = new ArrayList<>();
    Map<String, SecAggClient> clients = new HashMap<>();
    for (int i = 0; i < o.clients; i++) {
      String name = "node-%03d".formatted(i);
      names.add(name);
      clients.put(name, new SecAggClient(name, random));
    }
    SecAggChannel channel = (client, request) -> clients.get(client).handle(request,
        request.stage() == SecAggStage.MASKED_INPUT ? input(client, o.params) : null);
    long t0 = System.nanoTime();
    SecAggResult r = SecAggProtocol.run(2, p, names, o.params, channel, Duration.ofMinutes(10), random);
    long wall = System.nanoTime() - t0;
    check(r, o.params, p);
    System.out.printf("%nSecAggProtocol.run, all clients concurrently on virtual threads, no dropouts: %.1f s wall"
            + " for %d clients (inputs made inside the calls); %,d bytes down and %,d up in all%n",
        wall / 1e9, r.survivors().size(), r.bytesDown(), r.bytesUp());
  }

  private static void round(Options o, SecAggParams p, double dropout, boolean print) throws Exception {
    SecureRandom random = new SecureRandom();
    List<String> names = new ArrayList<>();
    Map<String, SecAggClient> clients = new HashMap<>();
    for (int i = 0; i < o.clients; i++) {
      String name = "node-%03d".formatted(i);
      names.add(name);
      clients.put(name, new SecAggClient(name, random));
    }
    List<String> shuffled = new ArrayList<>(names);
    Collections.shuffle(shuffled, new Random(7));
    Set<String> droppers = new HashSet<>(shuffled.subList(0, (int) Math.round(dropout * o.clients)));

    Map<SecAggStage, Cost> costs = new EnumMap<>(SecAggStage.class);
    long t0 = System.nanoTime();
    long c0 = THREADS.getCurrentThreadCpuTime();
    SecAggServer server = new SecAggServer(p, 1, names, o.params, random);
    long setupWall = System.nanoTime() - t0;
    long setupCpu = THREADS.getCurrentThreadCpuTime() - c0;
    while (!server.done()) {
      SecAggStage stage = server.stage();
      Cost cost = costs.computeIfAbsent(stage, s -> new Cost());
      for (var e : server.requests().entrySet()) {
        String name = e.getKey();
        SecAggRequest request = e.getValue();
        if (stage == SecAggStage.MASKED_INPUT && droppers.contains(name)) {
          server.drop(name, "dropped after sharing");
          continue;
        }
        cost.bytesDown += SecAggCodec.encodedSize(request);
        cost.asked++;
        float[] input = stage == SecAggStage.MASKED_INPUT ? input(name, o.params) : null;
        long w = System.nanoTime();
        long c = THREADS.getCurrentThreadCpuTime();
        SecAggReply reply = clients.get(name).handle(request, input);
        cost.clientCpu += THREADS.getCurrentThreadCpuTime() - c;
        cost.clientWall += System.nanoTime() - w;
        cost.clientCalls++;
        cost.bytesUp += SecAggCodec.encodedSize(reply);
        w = System.nanoTime();
        c = THREADS.getCurrentThreadCpuTime();
        server.accept(name, reply);
        cost.coordinatorCpu += THREADS.getCurrentThreadCpuTime() - c;
        cost.coordinatorWall += System.nanoTime() - w;
      }
      long w = System.nanoTime();
      long c = THREADS.getCurrentThreadCpuTime();
      server.endStage();
      cost.coordinatorCpu += THREADS.getCurrentThreadCpuTime() - c;
      cost.coordinatorWall += System.nanoTime() - w;
    }
    SecAggResult result = server.result();
    long wall = System.nanoTime() - t0;
    if (!print) {
      return;
    }
    double maxError = check(result, o.params, p);
    System.out.printf("%nround: %d clients, %d dropped after sharing, %d in the sum; wall %.1f s;"
            + " max |sum - plaintext sum| %.3g (bound n*step/2 = %.3g, plus float32 rounding)%n",
        o.clients, droppers.size(), result.survivors().size(), wall / 1e9, maxError,
        result.survivors().size() * p.clip() / p.levels() / 2);
    System.out.printf("coordinator setup (graph): %.1f ms CPU, %.1f ms wall%n", setupCpu / 1e6, setupWall / 1e6);
    System.out.printf("%-14s %13s %13s %13s %13s %14s %14s%n", "stage", "client cpu ms", "client wall",
        "coord cpu ms", "coord wall ms", "down B/client", "up B/client");
    Cost total = new Cost();
    for (var e : costs.entrySet()) {
      Cost c = e.getValue();
      row(e.getKey().name(), c);
      total.clientCpu += c.clientCalls == 0 ? 0 : c.clientCpu / c.clientCalls;
      total.clientWall += c.clientCalls == 0 ? 0 : c.clientWall / c.clientCalls;
      total.clientCalls = 1;
      total.coordinatorCpu += c.coordinatorCpu;
      total.coordinatorWall += c.coordinatorWall;
      total.bytesDown += c.asked == 0 ? 0 : c.bytesDown / c.asked;
      total.bytesUp += c.clientCalls == 0 ? 0 : c.bytesUp / c.clientCalls;
    }
    total.asked = 1;
    row("total", total);
    long plain = 4L * o.params;
    System.out.printf("per client that took part in every stage, vs plaintext float32 (%,d B each way): "
            + "protocol bytes down %.4fx (the model itself still goes down as without secure aggregation), "
            + "up %.4fx%n", plain, (double) total.bytesDown / plain, (double) total.bytesUp / plain);
  }

  /** Client columns are means over the clients that answered; bytes down over those asked. */
  private static void row(String stage, Cost c) {
    int calls = Math.max(1, c.clientCalls);
    System.out.printf("%-14s %13.1f %13.1f %13.1f %13.1f %,14d %,14d%n", stage, c.clientCpu / 1e6 / calls,
        c.clientWall / 1e6 / calls, c.coordinatorCpu / 1e6, c.coordinatorWall / 1e6, c.bytesDown / Math.max(1, c.asked),
        c.bytesUp / calls);
  }

  /** A client's input: uniform in [-1, 1], from a seed of its name (benchmark data, not a secret). */
  private static float[] input(String name, int length) {
    Random r = new Random(name.hashCode());
    float[] x = new float[length];
    for (int i = 0; i < length; i++) {
      x[i] = r.nextFloat() * 2 - 1;
    }
    return x;
  }

  private static double check(SecAggResult result, int length, SecAggParams p) {
    double[] expected = new double[length];
    for (String s : result.survivors()) {
      float[] x = input(s, length);
      for (int i = 0; i < length; i++) {
        expected[i] += x[i];
      }
    }
    double max = 0;
    for (int i = 0; i < length; i++) {
      max = Math.max(max, Math.abs(result.sum()[i] - expected[i]));
    }
    double bound = result.survivors().size() * p.clip() / p.levels() / 2 + Math.ulp((float) result.survivors().size());
    if (max > bound) {
      throw new IllegalStateException("the secure sum is off by " + max + ", more than " + bound);
    }
    return max;
  }

  private static Options parse(String[] args) {
    int clients = 100;
    int params = 1_000_000;
    double dropout = 0.1;
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--clients" -> clients = Integer.parseInt(v);
        case "--params" -> params = Integer.parseInt(v);
        case "--dropout" -> dropout = Double.parseDouble(v);
        default -> throw new IllegalArgumentException(
            "unknown argument " + args[i] + "; usage: SecAggCost [--clients 100] [--params 1000000] [--dropout 0.1]");
      }
      i++;
    }
    return new Options(clients, params, dropout);
  }
}
