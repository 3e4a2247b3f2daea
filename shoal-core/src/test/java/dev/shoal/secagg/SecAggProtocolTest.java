package dev.shoal.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.secagg.SecAggReply.Shares;
import dev.shoal.secagg.SecAggRequest.MaskInput;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class SecAggProtocolTest {

  private static final int N = 20;
  private static final int LENGTH = 500;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final SecureRandom random = new SecureRandom();

  /** The sparse default graph for 20 clients (degree 12, t = 7) and the complete graph (19, t = 10). */
  static List<SecAggParams> graphs() {
    SecAggParams sparse = SecAggParams.defaults(N);
    SecAggParams full = new SecAggParams(sparse.bits(), sparse.clip(), sparse.levels(), N - 1, (N - 1) / 2 + 1);
    return List.of(sparse, full);
  }

  static List<Arguments> graphsAndStages() {
    return graphs().stream()
        .flatMap(p -> java.util.Arrays.stream(SecAggStage.values()).map(s -> Arguments.of(p.degree(), s)))
        .toList();
  }

  private static SecAggParams params(int degree) {
    return graphs().stream().filter(p -> p.degree() == degree).findFirst().orElseThrow();
  }

  @Test
  void defaultsForTwentyAreASparseGraph() {
    SecAggParams p = SecAggParams.defaults(N);
    assertThat(p.degree()).isEqualTo(12);
    assertThat(p.threshold()).isEqualTo(7);
    assertThat(p.toleratedDropoutsPerNeighbourhood()).isEqualTo(5);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("graphs")
  void withoutDropoutsTheSumIsThePlaintextSum(SecAggParams p) throws Exception {
    InProcessRound clients = new InProcessRound(N, LENGTH, 10, 1);
    SecAggResult r = SecAggProtocol.run(4, p, clients.names, LENGTH, clients, TIMEOUT, random);
    assertThat(r.survivors()).containsExactlyElementsOf(clients.names);
    assertThat(r.dropouts()).isEmpty();
    assertSum(r, clients, new HashSet<>(clients.names), p);
    assertThat(r.bytesUp()).isGreaterThan(4L * LENGTH * N);
  }

  @ParameterizedTest(name = "degree {0}, dropouts at {1}")
  @MethodSource("graphsAndStages")
  void toleratedDropoutsInOneNeighbourhoodAtEachStage(int degree, SecAggStage stage) throws Exception {
    SecAggParams p = params(degree);
    InProcessRound clients = new InProcessRound(N, LENGTH, 10, 2);
    NeighbourGraph graph = NeighbourGraph.random(clients.names, degree, random);
    String target = clients.names.get(0);
    Set<String> droppers = new TreeSet<>(
        graph.neighbours(target).subList(0, p.toleratedDropoutsPerNeighbourhood()));

    SecAggResult r = SecAggProtocol.run(new SecAggServer(p, 1, graph, LENGTH), clients.failing(stage, droppers),
        TIMEOUT);

    assertThat(r.dropouts()).extracting(SecAggDropout::client).containsExactlyInAnyOrderElementsOf(droppers);
    assertThat(r.dropouts()).allSatisfy(d -> {
      assertThat(d.stage()).isEqualTo(stage);
      assertThat(d.reason()).contains("injected dropout");
    });
    Set<String> survivors = new TreeSet<>(clients.names);
    if (stage != SecAggStage.UNMASK) {
      survivors.removeAll(droppers); // at UNMASK their inputs are already in the sum
    }
    assertThat(r.survivors()).containsExactlyElementsOf(survivors);
    assertSum(r, clients, survivors, p);
  }

  @ParameterizedTest(name = "degree {0}, dropouts at {1}")
  @MethodSource("graphsAndStages")
  void oneDropoutTooManyInANeighbourhood(int degree, SecAggStage stage) throws Exception {
    SecAggParams p = params(degree);
    InProcessRound clients = new InProcessRound(N, LENGTH, 10, 3);
    NeighbourGraph graph = NeighbourGraph.random(clients.names, degree, random);
    String target = clients.names.get(0);
    Set<String> droppers = new TreeSet<>(
        graph.neighbours(target).subList(0, p.toleratedDropoutsPerNeighbourhood() + 1));
    SecAggServer server = new SecAggServer(p, 1, graph, LENGTH);
    SecAggChannel channel = clients.failing(stage, droppers);

    if (stage == SecAggStage.ADVERTISE_KEYS || stage == SecAggStage.SHARE_KEYS) {
      // Nothing of the target's is in the sum yet: it is excluded. Its exclusion costs its
      // neighbours one more neighbour each and may exclude them in turn; on the complete graph
      // every client loses them all, so the round aborts. On the sparse graph it may complete.
      SecAggResult r;
      try {
        r = SecAggProtocol.run(server, channel, TIMEOUT);
      } catch (SecAggAbortedException e) {
        assertThat(e).hasMessageContaining("fewer than the threshold t = " + p.threshold());
        assertThat(server.dropouts()).filteredOn(d -> d.client().equals(target)).singleElement()
            .satisfies(d -> assertThat(d.reason()).contains("excluded"));
        return;
      }
      assertThat(degree).as("the complete graph cannot survive this").isLessThan(N - 1);
      assertThat(r.dropouts()).filteredOn(d -> d.client().equals(target)).singleElement()
          .satisfies(d -> assertThat(d.reason()).contains("fewer than the threshold t = " + p.threshold())
              .contains("excluded"));
      Set<String> survivors = new TreeSet<>(clients.names);
      r.dropouts().forEach(d -> survivors.remove(d.client()));
      assertThat(survivors).doesNotContainAnyElementsOf(droppers);
      assertSum(r, clients, survivors, p);
    } else {
      // the target's masked input is in the sum and its self mask can no longer be removed
      assertThatThrownBy(() -> SecAggProtocol.run(server, channel, TIMEOUT))
          .isInstanceOf(SecAggAbortedException.class)
          .hasMessageContaining("aborted at stage " + stage)
          .hasMessageContaining("fewer than the threshold t = " + p.threshold())
          .satisfies(e -> assertThat(((SecAggAbortedException) e).stage()).isEqualTo(stage));
    }
  }

  @ParameterizedTest(name = "dropouts at {0}")
  @EnumSource(SecAggStage.class)
  void tooFewClientsOverallAbort(SecAggStage stage) {
    SecAggParams p = SecAggParams.defaults(N);
    InProcessRound clients = new InProcessRound(N, LENGTH, 10, 4);
    Set<String> droppers = new TreeSet<>(clients.names.subList(0, N - p.threshold() + 1));
    assertThatThrownBy(() -> SecAggProtocol.run(5, p, clients.names, LENGTH, clients.failing(stage, droppers),
            TIMEOUT, random))
        .isInstanceOf(SecAggAbortedException.class)
        .hasMessageContaining("fewer than the threshold t = " + p.threshold());
  }

  @Test
  void aClientThatDoesNotAnswerInTimeIsDropped() throws Exception {
    SecAggParams p = SecAggParams.defaults(N);
    InProcessRound clients = new InProcessRound(N, LENGTH, 1, 5);
    String slow = clients.names.get(3);
    SecAggChannel channel = (client, request) -> {
      if (client.equals(slow) && request.stage() == SecAggStage.MASKED_INPUT) {
        Thread.sleep(60_000);
      }
      return clients.call(client, request);
    };
    SecAggResult r = SecAggProtocol.run(2, p, clients.names, LENGTH, channel, Duration.ofMillis(1500), random);
    assertThat(r.dropouts()).singleElement().satisfies(d -> {
      assertThat(d.client()).isEqualTo(slow);
      assertThat(d.stage()).isEqualTo(SecAggStage.MASKED_INPUT);
      assertThat(d.reason()).contains("no reply within 1500 ms");
    });
    Set<String> survivors = new TreeSet<>(clients.names);
    survivors.remove(slow);
    assertSum(r, clients, survivors, p);
  }

  @Test
  void aTamperedShareDropsItsReceiverAndNamesTheSender() throws Exception {
    SecAggParams p = SecAggParams.defaults(N);
    InProcessRound clients = new InProcessRound(N, LENGTH, 1, 6);
    String victim = clients.names.get(5);
    Map<String, String> sender = new ConcurrentHashMap<>();
    SecAggChannel channel = (client, request) -> {
      if (client.equals(victim) && request instanceof MaskInput m) {
        Map<String, byte[]> altered = new HashMap<>(m.sealedBySender());
        String from = new TreeSet<>(altered.keySet()).first();
        byte[] bad = altered.get(from).clone();
        bad[bad.length / 2] ^= 0x04;
        altered.put(from, bad);
        sender.put("from", from);
        return clients.call(client, new MaskInput(altered));
      }
      return clients.call(client, request);
    };
    SecAggResult r = SecAggProtocol.run(3, p, clients.names, LENGTH, channel, TIMEOUT, random);
    assertThat(r.dropouts()).singleElement().satisfies(d -> {
      assertThat(d.client()).isEqualTo(victim);
      assertThat(d.stage()).isEqualTo(SecAggStage.MASKED_INPUT);
      assertThat(d.reason()).startsWith("TamperedShareException")
          .contains("from " + sender.get("from") + " to " + victim)
          .contains("does not authenticate");
    });
    Set<String> survivors = new TreeSet<>(clients.names);
    survivors.remove(victim);
    assertSum(r, clients, survivors, p);
  }

  @Test
  void aShareAddressedToAnotherClientIsRefused() throws Exception {
    SecAggParams p = SecAggParams.defaults(N);
    InProcessRound clients = new InProcessRound(N, LENGTH, 1, 7);
    NeighbourGraph graph = NeighbourGraph.random(clients.names, p.degree(), random);
    String victim = clients.names.get(0);
    String from = graph.neighbours(victim).get(0);
    String other = graph.neighbours(from).stream().filter(v -> !v.equals(victim)).findFirst().orElseThrow();
    Map<String, byte[]> sentByFrom = new ConcurrentHashMap<>();
    SecAggChannel channel = (client, request) -> {
      if (client.equals(victim) && request instanceof MaskInput m) {
        Map<String, byte[]> swapped = new HashMap<>(m.sealedBySender());
        swapped.put(from, sentByFrom.get(other)); // sealed by `from` for `other`
        return clients.call(client, new MaskInput(swapped));
      }
      SecAggReply reply = clients.call(client, request);
      if (client.equals(from) && reply instanceof Shares s) {
        sentByFrom.putAll(s.sealedByReceiver());
      }
      return reply;
    };
    SecAggResult r = SecAggProtocol.run(new SecAggServer(p, 9, graph, LENGTH), channel, TIMEOUT);
    assertThat(r.dropouts()).singleElement().satisfies(d -> {
      assertThat(d.client()).isEqualTo(victim);
      assertThat(d.reason()).contains("TamperedShareException").contains("from " + from + " to " + victim);
    });
    assertThat(r.survivors()).doesNotContain(victim).hasSize(N - 1);
  }

  @Test
  void aReplyThatFailsValidationDropsItsClient() throws Exception {
    SecAggParams p = SecAggParams.defaults(N);
    InProcessRound clients = new InProcessRound(N, LENGTH, 1, 8);
    String liar = clients.names.get(7);
    SecAggChannel channel = (client, request) -> {
      SecAggReply reply = clients.call(client, request);
      if (client.equals(liar) && reply instanceof SecAggReply.MaskedInput m) {
        return new SecAggReply.MaskedInput(java.util.Arrays.copyOf(m.masked(), LENGTH - 1));
      }
      return reply;
    };
    SecAggResult r = SecAggProtocol.run(3, p, clients.names, LENGTH, channel, TIMEOUT, random);
    assertThat(r.dropouts()).singleElement().satisfies(d -> {
      assertThat(d.client()).isEqualTo(liar);
      assertThat(d.reason()).isEqualTo("the masked input has " + (LENGTH - 1) + " values, expected " + LENGTH);
    });
    Set<String> survivors = new TreeSet<>(clients.names);
    survivors.remove(liar);
    assertSum(r, clients, survivors, p);
  }

  @Test
  void everyMessageSurvivesTheCodecAndTrafficIsItsEncodedSize() throws Exception {
    SecAggParams p = SecAggParams.defaults(N);
    InProcessRound clients = new InProcessRound(N, LENGTH, 1, 9);
    Map<String, long[]> counted = new ConcurrentHashMap<>();
    SecAggChannel overBytes = (client, request) -> {
      byte[] down = SecAggCodec.encode(request);
      SecAggReply reply = clients.call(client, SecAggCodec.decodeRequest(down));
      byte[] up = SecAggCodec.encode(reply);
      long[] c = counted.computeIfAbsent(client, x -> new long[2]);
      synchronized (c) {
        c[0] += down.length;
        c[1] += up.length;
      }
      return SecAggCodec.decodeReply(up);
    };
    SecAggResult r = SecAggProtocol.run(6, p, clients.names, LENGTH, overBytes, TIMEOUT, random);
    assertSum(r, clients, new HashSet<>(clients.names), p);
    for (String c : clients.names) {
      assertThat(r.traffic().get(c)).isEqualTo(new SecAggResult.Traffic(counted.get(c)[0], counted.get(c)[1]));
    }
  }

  @Test
  void badParametersAreRefusedBeforeAnythingIsSent() {
    InProcessRound clients = new InProcessRound(N, LENGTH, 1, 10);
    SecAggParams weak = new SecAggParams(32, 8, 1000, 12, 6);
    assertThatThrownBy(() -> SecAggProtocol.run(1, weak, clients.names, LENGTH, (c, r) -> {
          throw new AssertionError("nothing may be sent");
        }, TIMEOUT, random))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be more than degree / 2");
  }

  /** Within n·step/2 of the plaintext sum of the clipped inputs, plus float32 rounding of the result. */
  private static void assertSum(SecAggResult r, InProcessRound clients, Set<String> survivors, SecAggParams p) {
    assertThat(new TreeSet<>(r.survivors())).isEqualTo(new TreeSet<>(survivors));
    double[] expected = clients.clippedSum(survivors, p.clip());
    double step = p.clip() / p.levels();
    assertThat(r.sum()).hasSize(expected.length);
    for (int j = 0; j < expected.length; j++) {
      double tolerance = survivors.size() * step / 2 + Math.ulp((float) Math.abs(expected[j])) + 1e-9;
      assertThat((double) r.sum()[j]).as("coordinate %d", j)
          .isCloseTo(expected[j], org.assertj.core.api.Assertions.within(tolerance));
    }
  }
}
