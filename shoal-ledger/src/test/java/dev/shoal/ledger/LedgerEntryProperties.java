package dev.shoal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class LedgerEntryProperties {

  @Property(tries = 300)
  void bytesThatAreNotAnEntryAreRefusedWithAnIllegalArgument(@ForAll byte[] bytes) {
    Throwable t = catchThrowable(() -> LedgerEntry.parse(bytes));
    assertThat(t).isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 300)
  void anEntryWithOneByteChangedIsRefusedOrIsAnotherEntry(@ForAll @IntRange(min = 0, max = 100_000) int at,
      @ForAll @IntRange(min = 1, max = 255) int delta) {
    byte[] json = LedgerEntryTest.ROUND.toJson();
    byte[] changed = json.clone();
    int i = at % json.length;
    changed[i] = (byte) (changed[i] + delta);
    Throwable t = catchThrowable(() -> {
      LedgerEntry e = LedgerEntry.parse(changed);
      // If it still parses, it is a different entry with a different leaf.
      assertThat(e).isNotEqualTo(LedgerEntryTest.ROUND);
      assertThat(e.toJson()).isEqualTo(changed);
    });
    assertThat(t).satisfiesAnyOf(
        x -> assertThat(x).isNull(),
        x -> assertThat(x).isInstanceOf(IllegalArgumentException.class));
  }

  @Property(tries = 200)
  void anyRoundReadsBack(@ForAll @IntRange(min = 0, max = 1_000_000) int round, @ForAll double loss,
      @ForAll double reward) {
    if (!Double.isFinite(loss) || !Double.isFinite(reward)) {
      return;
    }
    RoundCompleted r = new RoundCompleted("run", round, "sha256:" + "a".repeat(64), List.of("n1"),
        Map.of(), Map.of("loss", loss), Map.of(), Map.of(), Map.of("n1", reward));
    assertThat(LedgerEntry.parse(r.toJson())).isEqualTo(r);
    assertThat(new String(r.toJson(), StandardCharsets.UTF_8)).doesNotContain(" ");
  }
}
