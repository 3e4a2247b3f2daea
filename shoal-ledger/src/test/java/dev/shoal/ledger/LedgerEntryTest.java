package dev.shoal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerEntryTest {

  private static final String H1 = "sha256:" + "1".repeat(64);
  private static final String H2 = "sha256:" + "2".repeat(64);
  private static final String H3 = "sha256:" + "3".repeat(64);

  static final RunStarted STARTED = new RunStarted("mnist-7", H1, "fedavg", Instant.parse("2026-11-23T14:00:00Z"));
  static final RoundCompleted ROUND = new RoundCompleted("mnist-7", 3, H2, List.of("n2", "n1"),
      Map.of("n1", H3, "n2", H1), Map.of("loss", 0.27, "accuracy", 0.91), Map.of("n1", 0.6, "n2", 0.4),
      Map.of("n1", 0.02, "n2", 0.01), Map.of("n1", 6.0, "n2", 4.0));

  private static String json(LedgerEntry e) {
    return new String(e.toJson(), StandardCharsets.UTF_8);
  }

  private static LedgerEntry parse(String json) {
    return LedgerEntry.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void runStartedIsCanonicalJsonWithItsType() {
    assertThat(json(STARTED)).isEqualTo("{\"jobConfigHash\":\"" + H1 + "\",\"run\":\"mnist-7\","
        + "\"startedAt\":\"2026-11-23T14:00:00Z\",\"strategy\":\"fedavg\",\"type\":\"run_started\"}");
    assertThat(STARTED.type()).isEqualTo("run_started");
  }

  @Test
  void roundCompletedIsCanonicalJsonWithItsType() {
    assertThat(json(ROUND)).isEqualTo("{\"contributions\":{\"n1\":0.6,\"n2\":0.4},\"leaveOneOut\":{\"n1\":0.02,\"n2\":0.01},"
        + "\"metrics\":{\"accuracy\":0.91,\"loss\":0.27},\"modelId\":\"" + H2 + "\",\"participants\":[\"n2\",\"n1\"],"
        + "\"rewards\":{\"n1\":6,\"n2\":4},\"round\":3,\"run\":\"mnist-7\",\"type\":\"round_completed\","
        + "\"updateCommitments\":{\"n1\":\"" + H3 + "\",\"n2\":\"" + H1 + "\"}}");
  }

  @Test
  void everyEntryReadsBackEqual() {
    assertThat(LedgerEntry.parse(STARTED.toJson())).isEqualTo(STARTED);
    assertThat(LedgerEntry.parse(ROUND.toJson())).isEqualTo(ROUND);
    RoundCompleted empty = new RoundCompleted("r", 0, H1, List.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of());
    assertThat(LedgerEntry.parse(empty.toJson())).isEqualTo(empty);
    RoundCompleted negativeZero = new RoundCompleted("r", 1, H1, List.of("a"), Map.of(), Map.of("x", -0.0),
        Map.of("a", 1e-7), Map.of(), Map.of("a", 1e21));
    assertThat(LedgerEntry.parse(negativeZero.toJson())).isEqualTo(negativeZero);
  }

  @Test
  void contentIdIsTheSha256OfTheCanonicalBytes() throws Exception {
    String hex = java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(STARTED.toJson()));
    assertThat(STARTED.contentId()).isEqualTo("sha256:" + hex);
  }

  @Test
  void nonCanonicalBytesAreRefused() {
    String pretty = "{ \"jobConfigHash\": \"" + H1 + "\", \"run\": \"mnist-7\", \"startedAt\": \"2026-11-23T14:00:00Z\","
        + " \"strategy\": \"fedavg\", \"type\": \"run_started\" }";
    assertThatThrownBy(() -> parse(pretty)).hasMessageContaining("not in canonical form");
    String instantNotCanonical = json(STARTED).replace("14:00:00Z", "14:00:00.000Z");
    assertThatThrownBy(() -> parse(instantNotCanonical)).hasMessageContaining("not in canonical form");
  }

  @Test
  void malformedEntriesAreRefusedWithTheReason() {
    String ok = json(STARTED);
    assertThatThrownBy(() -> parse("not json")).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> parse("[1]")).hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> parse("{\"type\":\"round_started\"}"))
        .hasMessageContaining("\"round_started\" is unknown").hasMessageContaining("run_started");
    assertThatThrownBy(() -> parse(ok.replace("\"type\"", "\"extra\":1,\"type\"")))
        .hasMessageContaining("unknown field \"extra\"");
    assertThatThrownBy(() -> parse(ok.replace("\"run\":\"mnist-7\",", "")))
        .hasMessageContaining("no \"run\" field");
    assertThatThrownBy(() -> parse(ok.replace("\"run\":\"mnist-7\"", "\"run\":\"a\",\"run\":\"b\"")))
        .hasMessageContaining("Duplicate field");
    assertThatThrownBy(() -> parse(ok.replace(H1, "sha256:ABC"))).hasMessageContaining("not a content id");
    assertThatThrownBy(() -> parse(ok.replace("2026-11-23T14:00:00Z", "yesterday"))).hasMessageContaining("ISO-8601");
    assertThatThrownBy(() -> parse(json(ROUND).replace("\"round\":3", "\"round\":3.5")))
        .hasMessageContaining("must be an integer");
  }

  @Test
  void invalidValuesAreRefusedAtConstruction() {
    assertThatThrownBy(() -> new RoundCompleted("r", 1, H1, List.of("a", "a"), Map.of(), Map.of(), Map.of(), Map.of(), Map.of()))
        .hasMessageContaining("lists a name twice");
    assertThatThrownBy(() -> new RoundCompleted("r", 1, H1, List.of("a"), Map.of("b", H2), Map.of(), Map.of(), Map.of(), Map.of()))
        .hasMessageContaining("\"b\", which is not a participant");
    assertThatThrownBy(() -> new RoundCompleted("r", 1, H1, List.of("a"), Map.of(), Map.of("loss", Double.NaN),
        Map.of(), Map.of(), Map.of())).hasMessageContaining("metrics.loss is NaN");
    assertThatThrownBy(() -> new RoundCompleted("r", -1, H1, List.of(), Map.of(), Map.of(), Map.of(), Map.of(), Map.of()))
        .hasMessageContaining("allowed 0..2^53");
    assertThatThrownBy(() -> new RunStarted("has space", H1, "fedavg", Instant.EPOCH)).hasMessageContaining("whitespace");
    assertThatThrownBy(() -> new RunStarted("r", H1, "fedavg", null)).hasMessageContaining("startedAt");
  }

  @Test
  void entriesAreTheLeavesOfTheLog(@TempDir Path dir) throws Exception {
    try (LedgerLog ledger = LedgerLog.open(dir)) {
      ledger.append(STARTED.toJson());
      ledger.append(ROUND.toJson());
      assertThat(ledger.leafHash(1)).isEqualTo(MerkleTree.leafHash(ROUND.toJson()));
      assertThat(LedgerEntry.parse(ledger.entry(0))).isEqualTo(STARTED);
      assertThat(LedgerEntry.parse(ledger.entry(1))).isInstanceOfSatisfying(RoundCompleted.class,
          r -> assertThat(r.participants()).containsExactly("n2", "n1"));
    }
  }
}
