package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate --attack}: its refusals, and a run that names its attackers and counts them per round. */
class AttackCommandTest extends InProcessCommandTest {

  @TempDir Path dir;

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void eachRefusalIsOneLineNamingTheCondition() {
    assertThat(shoal("simulate", "--attack", "sign-flip", "--out", dir.resolve("a").toString())).isEqualTo(2);
    assertThat(err()).isEqualTo("error: --attack needs --attackers F, how many clients attack\n");
    assertThat(shoal("simulate", "--attackers", "2", "--out", dir.resolve("b").toString())).isEqualTo(2);
    assertThat(err()).isEqualTo("error: --attackers and --attack-scale need --attack NAME\n");
    assertThat(shoal("simulate", "--attack", "flip", "--attackers", "1", "--out", dir.resolve("c").toString())).isEqualTo(2);
    assertThat(err()).startsWith("error: --attack: unknown attack 'flip'; the attacks are: sign-flip, ");
    assertThat(shoal("simulate", "--attack", "scaling", "--attackers", "1", "--transport", "grpc",
        "--out", dir.resolve("d").toString())).isNotZero();
    assertThat(err()).isEqualTo(
        "error: --attack is simulated with --transport inproc only: it rewrites replies in this process\n");
  }

  @Test
  void aSimulationNamesItsAttackersAndCountsThemEachRound() throws Exception {
    Path out = dir.resolve("run");
    assertThat(shoal("simulate", "--model", "logreg", "--clients", "4", "--rounds", "2", "--attack", "sign-flip",
        "--attackers", "2", "--no-ledger", "--contribution", "off", "--out", out.toString())).isZero();
    String console = this.out.toString(StandardCharsets.UTF_8);
    assertThat(console).containsPattern("attack: sign-flip \\(scale 4\\.000\\) by 2 of 4 clients: client-00\\d, client-00\\d");
    List<String> rounds = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertThat(rounds).hasSize(2).allSatisfy(l -> assertThat(l).contains("\"attackers\":2.0"));
  }
}
