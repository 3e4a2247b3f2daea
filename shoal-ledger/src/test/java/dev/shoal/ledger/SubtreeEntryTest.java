package dev.shoal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A round whose participants include relays: the nodes each relay folded, in its entry. */
class SubtreeEntryTest {

  private static final String H1 = "sha256:" + "1".repeat(64);
  private static final String H2 = "sha256:" + "2".repeat(64);
  private static final String H3 = "sha256:" + "3".repeat(64);
  private static final String H4 = "sha256:" + "4".repeat(64);

  private static final RoundCompleted ROUND = new RoundCompleted("tree", 2, H4, List.of("relay-a", "n9"),
      Map.of("relay-a", H3, "n9", H2), Map.of("clients", 2.0), Map.of(), Map.of(), Map.of(),
      Map.of("relay-a", List.of(new SubtreeMember("n1", 600, H1, "relay-a"), new SubtreeMember("n2", 400, H2,
          "relay-a"))));

  @Test
  void aRelaysNodesAreWrittenWithTheirCountsAndUpdates() {
    assertThat(new String(ROUND.toJson(), StandardCharsets.UTF_8)).contains("\"subtrees\":{\"relay-a\":["
        + "{\"examples\":600,\"node\":\"n1\",\"update\":\"" + H1 + "\",\"via\":\"relay-a\"},"
        + "{\"examples\":400,\"node\":\"n2\",\"update\":\"" + H2 + "\",\"via\":\"relay-a\"}]}");
    assertThat(LedgerEntry.parse(ROUND.toJson())).isEqualTo(ROUND);
  }

  @Test
  void aRoundWithoutRelaysIsWrittenAsBefore() {
    var flat = new RoundCompleted("tree", 2, H4, List.of("n9"), Map.of("n9", H2), Map.of(), Map.of(), Map.of(),
        Map.of());
    assertThat(new String(flat.toJson(), StandardCharsets.UTF_8)).doesNotContain("subtrees");
    assertThat(LedgerEntry.parse(flat.toJson())).isEqualTo(flat);
  }

  @Test
  void membersOfNoParticipantOrMalformedOnesAreRefused() {
    assertThatThrownBy(() -> new RoundCompleted("tree", 2, H4, List.of("n9"), Map.of(), Map.of(), Map.of(),
        Map.of(), Map.of(), Map.of("relay-b", List.of(new SubtreeMember("n1", 1, H1, "relay-b")))))
        .hasMessageContaining("subtrees names \"relay-b\", which is not a participant");
    String ok = new String(ROUND.toJson(), StandardCharsets.UTF_8);
    assertThatThrownBy(() -> LedgerEntry.parse(ok.replace("\"examples\":600", "\"examples\":-1")
        .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("subtrees.examples");
    assertThatThrownBy(() -> LedgerEntry.parse(ok.replace("\"examples\":600", "\"examples\":600,\"x\":1")
        .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("unknown field \"x\"");
  }
}
