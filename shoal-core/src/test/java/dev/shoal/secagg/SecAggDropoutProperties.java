package dev.shoal.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.constraints.IntRange;

/**
 * Random dropouts at random stages: a round either yields exactly the sum of the inputs of the
 * clients it names as survivors, or aborts; and when no client loses more than {@code degree −
 * threshold} neighbours over the round, it never aborts.
 */
@Tag("slow")
class SecAggDropoutProperties {

  private static final int LENGTH = 40;

  @Property(tries = 100)
  void neverAWrongSumAndNoAbortWithinTheTolerance(
      @ForAll @IntRange(min = 5, max = 24) int n,
      @ForAll @IntRange(min = 0, max = 40) int dropPercent,
      @ForAll long seed) throws Exception {
    SecAggParams p = SecAggParams.defaults(n);
    InProcessRound clients = new InProcessRound(n, LENGTH, 10, seed);
    NeighbourGraph graph = NeighbourGraph.random(clients.names, p.degree(), new SecureRandom());
    Random r = new Random(seed);
    Map<String, SecAggStage> dropAt = new HashMap<>();
    for (String c : clients.names) {
      if (r.nextInt(100) < dropPercent) {
        dropAt.put(c, SecAggStage.values()[r.nextInt(4)]);
      }
    }
    SecAggChannel channel = (client, request) -> {
      if (request.stage() == dropAt.get(client)) {
        throw new java.io.IOException("injected dropout");
      }
      return clients.call(client, request);
    };
    boolean withinTolerance = clients.names.stream().allMatch(c ->
        graph.neighbours(c).stream().filter(dropAt::containsKey).count() <= p.toleratedDropoutsPerNeighbourhood());

    SecAggResult result;
    try {
      result = SecAggProtocol.run(new SecAggServer(p, 1, graph, LENGTH), channel, Duration.ofSeconds(30));
    } catch (SecAggAbortedException e) {
      Statistics.label("outcome").collect("aborted");
      assertThat(withinTolerance).as("aborted within the tolerance: %s", e.getMessage()).isFalse();
      return;
    }
    Statistics.label("outcome").collect(result.dropouts().isEmpty() ? "complete" : "completed with dropouts");
    Set<String> expected = new TreeSet<>(clients.names);
    result.dropouts().stream().filter(d -> d.stage() != SecAggStage.UNMASK).forEach(d -> expected.remove(d.client()));
    assertThat(result.survivors()).containsExactlyElementsOf(expected);
    dropAt.forEach((c, s) -> {
      if (s != SecAggStage.UNMASK) {
        assertThat(result.survivors()).doesNotContain(c);
      } else if (withinTolerance) {
        assertThat(result.survivors()).contains(c); // its input was summed before it dropped
      }
    });
    if (withinTolerance) {
      assertThat(result.dropouts()).extracting(SecAggDropout::client)
          .containsExactlyInAnyOrderElementsOf(dropAt.keySet()); // nobody excluded
    }
    double[] sum = clients.clippedSum(expected, p.clip());
    double tolerance = expected.size() * p.clip() / p.levels() / 2;
    for (int j = 0; j < LENGTH; j++) {
      assertThat((double) result.sum()[j]).isCloseTo(sum[j], within(tolerance + Math.ulp((float) Math.abs(sum[j]))));
    }
  }

  /** Every outcome must be seen, or the property proves less than it claims. */
  @net.jqwik.api.lifecycle.AfterProperty
  void coverEveryOutcome() {
    Statistics.label("outcome").coverage(c -> {
      c.check("aborted").count(k -> k >= 1);
      c.check("completed with dropouts").count(k -> k >= 5);
    });
  }
}
