package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.ledger.LedgerEntry;
import dev.shoal.ledger.ModelStepped;
import dev.shoal.ledger.RunStarted;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate --mode async} and the virtual clock: refusals, and a FedBuff run with its metrics and ledger. */
class AsyncCommandTest extends InProcessCommandTest {

  @TempDir Path dir;

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private int simulate(String name, String... args) {
    List<String> all = new ArrayList<>(List.of("simulate", "--model", "logreg", "--clients", "4", "--out",
        dir.resolve(name).toString()));
    all.addAll(List.of(args));
    return shoal(all.toArray(String[]::new));
  }

  @Test
  void eachRefusalIsOneLineNamingTheCondition() {
    assertThat(simulate("a", "--mode", "async", "--secagg")).isEqualTo(1);
    assertThat(err()).isEqualTo("error: --mode async cannot go with --secagg: secure aggregation sums a round's"
        + " updates all at once, and FedBuff folds each update as it arrives\n");
    assertThat(simulate("b", "--mode", "async", "--strategy", "krum")).isEqualTo(1);
    assertThat(err()).isEqualTo("error: --mode async aggregates with FedBuff, not with --strategy krum: robust and"
        + " server-optimised strategies need whole rounds\n");
    assertThat(simulate("c", "--mode", "async", "--concurrency", "2", "--buffer", "3")).isEqualTo(2);
    assertThat(err()).isEqualTo("error: --mode async: buffer 3 is more than the concurrency 2: each model step would"
        + " wait for more updates than there are clients training; use a buffer <= 2\n");
    assertThat(simulate("d", "--mode", "async", "--concurrency", "5")).isEqualTo(2);
    assertThat(err()).isEqualTo("error: --concurrency 5 is more than the 4 clients: at most that many can train at once\n");
    assertThat(simulate("e", "--buffer", "2")).isEqualTo(2);
    assertThat(err()).isEqualTo("error: --concurrency, --buffer, --staleness-exponent and --server-lr need --mode async\n");
    assertThat(simulate("f", "--mode", "later")).isEqualTo(2);
    assertThat(err()).isEqualTo("error: --mode must be sync or async, got 'later'\n");
    assertThat(simulate("g", "--client-speed", "fast")).isEqualTo(2);
    assertThat(err()).isEqualTo("error: --client-speed: unknown speed distribution 'fast': allowed are uniform,"
        + " lognormal:SIGMA and slow:FRACTION,FACTOR\n");
    assertThat(simulate("h", "--mode", "async", "--transport", "grpc")).isEqualTo(1);
    assertThat(err()).isEqualTo("error: --mode async is simulated with --transport inproc only so far\n");
    assertThat(simulate("i", "--mode", "async", "--dp-noise-multiplier", "1")).isEqualTo(1);
    assertThat(err()).startsWith("error: --mode async cannot go with --dp-*");
    assertThat(simulate("j", "--mode", "async", "--parallelism", "2")).isEqualTo(1);
    assertThat(err()).isEqualTo("error: --mode async trains one client at a time, in the order of the virtual clock:"
        + " drop --parallelism\n");
    assertThat(dir.resolve("a")).doesNotExist();
  }

  @Test
  void anAsyncRunLearnsOnTheVirtualClockAndWritesOneVerifiedLedgerEntryPerStep() throws Exception {
    Path run = dir.resolve("run");
    assertThat(simulate("run", "--rounds", "4", "--mode", "async", "--concurrency", "4", "--buffer", "2",
        "--client-speed", "slow:0.25,4", "--contribution", "off")).as(err()).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .contains("async: FedBuff, 4 clients training at all times, a model step every 2 updates")
        .contains("step 4/4  updates 2");

    ObjectMapper json = new ObjectMapper();
    List<JsonNode> steps = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      steps.add(json.readTree(line));
    }
    assertThat(steps).hasSize(4);
    double clock = 0;
    for (JsonNode s : steps) {
      assertThat(s.get("clients").asInt()).isEqualTo(2);
      assertThat(s.get("virtual_time").asDouble()).isGreaterThanOrEqualTo(clock);
      clock = s.get("virtual_time").asDouble();
    }
    assertThat(clock).isPositive();
    // ten classes: chance is 0.1
    assertThat(steps.get(3).get("test_accuracy").asDouble()).isGreaterThan(0.5);

    assertThat(shoal("ledger", "verify", run.toString())).as(err()).isZero();
    assertThat(out.toString()).contains("ledger verified: 5 entries, 5 signed checkpoints");
    LedgerCheck ledger = LedgerCheck.of(run);
    assertThat(LedgerEntry.parse(ledger.entries().get(0))).isInstanceOf(RunStarted.class);
    for (int i = 1; i <= 4; i++) {
      ModelStepped m = (ModelStepped) LedgerEntry.parse(ledger.entries().get(i));
      assertThat(m.step()).isEqualTo(i);
      assertThat(m.modelId()).isEqualTo(steps.get(i - 1).get("model_id").asText());
      assertThat(m.updates()).hasSize(2).allSatisfy(u -> {
        assertThat(u.node()).startsWith("client-00");
        assertThat(u.weight()).isEqualTo(Math.pow(1 + u.staleness(), -0.5));
      });
    }
    assertThat(shoal("ledger", "provenance", run.toString(), run.resolve("model.safetensors").toString())).isZero();
    assertThat(out.toString()).contains("is the global model of step 4 of asynchronous run simulation (ledger entry 4)")
        .contains("inclusion in the signed checkpoint of size 5: verified");
  }
}
