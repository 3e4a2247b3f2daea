package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secure aggregation and differential privacy, as a user runs them with {@code simulate}. */
class PrivacyIT {

  @TempDir Path dir;

  @Test
  void secureAggregationLearnsWithinHalfAPointOfPlainFedAvgInProcessAndOverGrpc() throws Exception {
    String[] job = {"simulate", "--model", "mlp", "--clients", "10", "--rounds", "5"};
    JsonNode plain = last(run("plain", job));
    JsonNode secure = last(run("secure", concat(job, "--secagg")));
    // over gRPC with mutual TLS the masks cancel exactly as in process: the same model
    JsonNode overGrpc = last(run("secure-grpc", concat(job, "--secagg", "--transport", "grpc")));
    assertThat(overGrpc.get("model_id").asText()).isEqualTo(secure.get("model_id").asText());
    System.out.printf("mlp, 10 clients, 5 rounds: test accuracy %.4f plain, %.4f with secure aggregation%n",
        plain.get("test_accuracy").asDouble(), secure.get("test_accuracy").asDouble());
    assertThat(secure.get("clients").asInt()).isEqualTo(10);
    assertThat(secure.get("failures").asInt()).isZero();
    assertThat(plain.get("test_accuracy").asDouble()).isGreaterThan(0.85);
    assertThat(secure.get("test_accuracy").asDouble()).isCloseTo(plain.get("test_accuracy").asDouble(), offset(0.005));
    // no client sent its update: what went up is the protocol's messages, one masked 32-bit word
    // per parameter and weight plus keys and shares
    assertThat(secure.get("bytes_up").asLong()).isBetween(10 * 199_211 * 4L, 10 * 199_211 * 4L + 10 * 100_000L);
  }

  @Test
  void centralDpReportsEpsilonEveryRoundStillLearnsAndStopsAtTheTarget() throws Exception {
    String[] job = {"simulate", "--model", "logreg", "--clients", "100", "--fraction", "0.2", "--rounds", "10",
        "--dp-noise-multiplier", "0.5", "--dp-clip", "0.5"};
    List<JsonNode> rounds = all(run("dp", job));
    assertThat(rounds).hasSize(10);
    double previous = 0;
    for (JsonNode r : rounds) {
      assertThat(r.get("delta").asDouble()).isEqualTo(1e-5);
      assertThat(r.get("epsilon").asDouble()).isGreaterThan(previous);
      previous = r.get("epsilon").asDouble();
    }
    double accuracy = rounds.get(9).get("test_accuracy").asDouble();
    System.out.printf("central DP, logreg, 100 clients, q=0.2, z=0.5, C=0.5: epsilon %.2f after 10 rounds, accuracy %.4f%n",
        previous, accuracy);
    assertThat(accuracy).isGreaterThan(0.75);

    Shoal.Result r = Shoal.run(dir, concat(job, "--dp-target-epsilon", "10", "--out", "target"));
    assertThat(r.exitCode()).as("stderr:%n%s", r.err()).isZero();
    List<JsonNode> stopped = all(dir.resolve("target/metrics.jsonl"));
    assertThat(stopped).hasSizeBetween(1, 9);
    assertThat(stopped.get(stopped.size() - 1).get("epsilon").asDouble()).isLessThanOrEqualTo(10);
    assertThat(r.out()).contains("stopped before round " + (stopped.size() + 1) + ": ");
  }

  @Test
  void distributedDpWithSecureAggregationFromAJobFile() throws Exception {
    Files.writeString(dir.resolve("job.yaml"), """
        model: logreg
        clients: 100
        fraction: 0.2
        rounds: 5
        privacy:
          secagg: true
          dp:
            noise-multiplier: 0.5
            clip: 0.5
        """);
    Shoal.Result r = Shoal.run(dir, "simulate", "--config", "job.yaml", "--out", "dist");
    assertThat(r.exitCode()).as("stderr:%n%s", r.err()).isZero();
    assertThat(r.out()).contains("privacy: secure aggregation (SecAgg+), distributed differential privacy");
    List<JsonNode> rounds = all(dir.resolve("dist/metrics.jsonl"));
    assertThat(rounds).hasSize(5).allSatisfy(m -> assertThat(m.has("epsilon")).isTrue());
    System.out.printf("distributed DP with secure aggregation: epsilon %.2f after 5 rounds, accuracy %.4f%n",
        rounds.get(4).get("epsilon").asDouble(), rounds.get(4).get("test_accuracy").asDouble());
    assertThat(rounds.get(4).get("test_accuracy").asDouble()).isGreaterThan(0.6);
  }

  @Test
  void settingsThatBreakTheGuaranteesAreRefusedBeforeTheRun() throws Exception {
    Shoal.Result r = Shoal.run(dir, "simulate", "--secagg", "--secagg-degree", "6", "--secagg-threshold", "3",
        "--out", "bad");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("threshold = 3 must be more than degree / 2");
    r = Shoal.run(dir, "simulate", "--secagg", "--clients", "2", "--out", "bad");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("needs at least 3 participants");
    r = Shoal.run(dir, "simulate", "--secagg", "--dp-noise-multiplier", "1", "--dp-adaptive-clip", "--out", "bad");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("adaptive");
    assertThat(dir.resolve("bad/metrics.jsonl")).doesNotExist();
  }

  private Path run(String name, String... args) throws Exception {
    Shoal.Result r = Shoal.run(dir, concat(args, "--out", name));
    assertThat(r.exitCode()).as("stderr:%n%s", r.err()).isZero();
    return dir.resolve(name).resolve("metrics.jsonl");
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static List<JsonNode> all(Path metrics) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(metrics)) {
      out.add(new ObjectMapper().readTree(line));
    }
    return out;
  }

  private static JsonNode last(Path metrics) throws Exception {
    List<JsonNode> rounds = all(metrics);
    return rounds.get(rounds.size() - 1);
  }
}
