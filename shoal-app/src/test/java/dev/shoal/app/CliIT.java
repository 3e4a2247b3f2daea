package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line tools a site uses by hand, run as real processes on real files. */
class CliIT {

  @TempDir static Path dir;

  @BeforeAll
  static void threeSitesTrainFromOneGlobalModel() throws Exception {
    ok(Shoal.run(dir, "init-model", "--model", "mlp", "--seed", "1", "--output", "global.safetensors"));
    ok(Shoal.run(dir, "data", "partition", "--clients", "3", "--partition", "dirichlet", "--alpha", "1.0",
        "--seed", "3", "--out", "sites"));
    for (int i = 0; i < 3; i++) {
      ok(Shoal.run(dir, "train-local", "--model-path", "global.safetensors", "--data-path", "sites/client-00" + i,
          "--output-path", "out" + i, "--epochs", "1", "--seed", Integer.toString(i)));
    }
  }

  static Shoal.Result ok(Shoal.Result r) {
    assertThat(r.exitCode()).as("exit code; stderr:%n%s", r.err()).isZero();
    return r;
  }

  @Test
  void aggregateEqualsTheExampleWeightedMeanComputedIndependently() throws Exception {
    ok(Shoal.run(dir, "aggregate", "--output", "agg.safetensors",
        "out0/update.safetensors", "out1/update.safetensors", "out2/update.safetensors"));

    List<RawFile> updates = List.of(raw("out0/update.safetensors"), raw("out1/update.safetensors"), raw("out2/update.safetensors"));
    RawFile agg = raw("agg.safetensors");
    double total = updates.stream().mapToDouble(u -> Double.parseDouble(u.metadata.get("num_examples"))).sum();
    assertThat(updates.stream().map(u -> u.metadata.get("num_examples")).distinct()).hasSize(3);
    assertThat(agg.tensors.keySet()).containsExactlyInAnyOrderElementsOf(updates.get(0).tensors.keySet());
    double maxError = 0;
    for (String name : agg.tensors.keySet()) {
      float[] got = agg.tensors.get(name);
      for (int i = 0; i < got.length; i++) {
        double expected = 0;
        for (RawFile u : updates) {
          expected += Double.parseDouble(u.metadata.get("num_examples")) * u.tensors.get(name)[i];
        }
        maxError = Math.max(maxError, Math.abs(expected / total - got[i]));
      }
    }
    assertThat(maxError).isLessThan(1e-6);
    assertThat(agg.metadata).containsEntry("num_examples", Long.toString((long) total)).containsEntry("model", "mlp");
  }

  @Test
  void updatesCarryTheirWeightAndBaseModel() throws Exception {
    RawFile u = raw("out0/update.safetensors");
    String globalId = "sha256:" + java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(dir.resolve("global.safetensors"))));
    assertThat(u.metadata).containsEntry("base_model", globalId).containsEntry("model", "mlp");
    assertThat(Long.parseLong(u.metadata.get("num_examples"))).isPositive();
  }

  @Test
  void truncatedUpdateIsNamedAndNothingIsWritten() throws Exception {
    byte[] full = Files.readAllBytes(dir.resolve("out1/update.safetensors"));
    Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(full, full.length / 2));
    Shoal.Result r = Shoal.run(dir, "aggregate", "--output", "bad1.safetensors", "out0/update.safetensors", "cut.safetensors");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("cut.safetensors: truncated");
    assertThat(dir.resolve("bad1.safetensors")).doesNotExist();
  }

  @Test
  void updateFromAnotherBaseModelIsNamed() throws Exception {
    ok(Shoal.run(dir, "init-model", "--model", "mlp", "--seed", "2", "--output", "other.safetensors"));
    ok(Shoal.run(dir, "train-local", "--model-path", "other.safetensors", "--data-path", "sites/client-000", "--output-path", "other"));
    Shoal.Result r = Shoal.run(dir, "aggregate", "--output", "bad2.safetensors", "out0/update.safetensors", "other/update.safetensors");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("other/update.safetensors: base_model is").contains("updates must come from the same global model");
    assertThat(dir.resolve("bad2.safetensors")).doesNotExist();
  }

  @Test
  void updateWithOtherShapesIsNamed() throws Exception {
    ok(Shoal.run(dir, "init-model", "--model", "logreg", "--output", "small.safetensors"));
    Map<String, String> meta = raw("out0/update.safetensors").metadata;
    // give the logreg file the same origin so only its tensors differ
    byte[] bytes = Files.readAllBytes(dir.resolve("small.safetensors"));
    Files.write(dir.resolve("small-update.safetensors"), withMetadata(bytes, meta));
    Shoal.Result r = Shoal.run(dir, "aggregate", "--output", "bad3.safetensors", "out0/update.safetensors", "small-update.safetensors");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("small-update.safetensors:").contains("is missing");
    assertThat(dir.resolve("bad3.safetensors")).doesNotExist();
  }

  @Test
  void jobFileSuppliesDefaultsAndFlagsWin() throws Exception {
    Files.writeString(dir.resolve("job.yaml"), """
        model: logreg
        clients: 3
        rounds: 5
        local-epochs: 1
        partition: shards
        """);
    ok(Shoal.run(dir, "simulate", "--config", "job.yaml", "--rounds", "2", "--out", "sim"));
    List<String> lines = Files.readAllLines(dir.resolve("sim/metrics.jsonl"));
    assertThat(lines).hasSize(2);
    JsonNode last = new ObjectMapper().readTree(lines.get(1));
    for (String field : List.of("round", "clients", "failures", "train_loss", "test_loss", "test_accuracy",
        "bytes_up", "bytes_down", "seconds")) {
      assertThat(last.has(field)).as(field).isTrue();
    }
    assertThat(last.get("clients").asInt()).isEqualTo(3);
    assertThat(raw("sim/model.safetensors").metadata).containsEntry("model", "logreg").containsEntry("round", "2");
  }

  @Test
  void badJobFilesAndValuesSayWhatIsWrong() throws Exception {
    Files.writeString(dir.resolve("typo.yaml"), "model: mlp\nlocal_epochs: 2\n");
    Shoal.Result r = Shoal.run(dir, "simulate", "--config", "typo.yaml");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("typo.yaml: unknown key 'local_epochs'; allowed keys:").contains("local-epochs");

    r = Shoal.run(dir, "simulate", "--model", "resnet", "--out", "x");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("resnet").contains("mlp");

    r = Shoal.run(dir, "simulate", "--partition", "zipf", "--out", "x");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("zipf").contains("iid, dirichlet, shards");
  }

  @Test
  void securityMustBeChosenAndBadAddressesAndKitsAreNamed() throws Exception {
    Shoal.Result r = Shoal.run(dir, "coordinator", "--state-dir", "st");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("give --kit DIR for mutual TLS (create a kit with 'shoal pki issue'), or --insecure");
    r = Shoal.run(dir, "node", "--coordinator", "127.0.0.1:1", "--data-path", "sites/client-000", "--insecure");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--name is required with --insecure");
    r = Shoal.run(dir, "coordinator", "--state-dir", "st", "--kit", "no-such-kit");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("cannot use the kit: no kit directory no-such-kit");
    r = Shoal.run(dir, "node", "--coordinator", "localhost", "--name", "a", "--data-path", "sites/client-000", "--insecure");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("--coordinator must be HOST:PORT, got 'localhost'");
    r = Shoal.run(dir, "status", "--coordinator", "127.0.0.1:1", "--insecure");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("cannot reach the coordinator at 127.0.0.1:1");
    try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      r = Shoal.run(dir, "coordinator", "--state-dir", "st-http", "--insecure", "--listen", "127.0.0.1:0",
          "--http", "127.0.0.1:" + taken.getLocalPort());
      assertThat(r.exitCode()).isEqualTo(1);
      assertThat(r.err()).contains("--http: cannot serve HTTP on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  /** A safetensors file parsed from its bytes by this test alone: header, metadata, floats. */
  record RawFile(Map<String, String> metadata, Map<String, float[]> tensors) {}

  static RawFile raw(String relative) throws Exception {
    byte[] bytes = Files.readAllBytes(dir.resolve(relative));
    long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
    Map<String, String> metadata = new LinkedHashMap<>();
    Map<String, float[]> tensors = new LinkedHashMap<>();
    header.properties().forEach(e -> {
      if (e.getKey().equals("__metadata__")) {
        e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
        return;
      }
      int begin = e.getValue().get("data_offsets").get(0).asInt();
      int end = e.getValue().get("data_offsets").get(1).asInt();
      float[] values = new float[(end - begin) / 4];
      ByteBuffer.wrap(bytes, 8 + (int) n + begin, end - begin).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      tensors.put(e.getKey(), values);
    });
    return new RawFile(metadata, tensors);
  }

  /** Rewrites a file's __metadata__ (keeping its tensors) with this test's own encoder. */
  static byte[] withMetadata(byte[] bytes, Map<String, String> metadata) throws Exception {
    ObjectMapper json = new ObjectMapper();
    long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    var header = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
    header.set("__metadata__", json.valueToTree(metadata));
    byte[] h = json.writeValueAsBytes(header);
    ByteBuffer out = ByteBuffer.allocate(8 + h.length + bytes.length - 8 - (int) n).order(ByteOrder.LITTLE_ENDIAN);
    out.putLong(h.length).put(h).put(bytes, 8 + (int) n, bytes.length - 8 - (int) n);
    return out.array();
  }
}
