package dev.shoal.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The ShoalAnchor contract a run's ledger is anchored to, remembered in {@code
 * DIR/ledger/anchor.json} as {@code {"chainId": N, "contract": "0x..."}} (written atomically), so
 * that later anchors of the run go to the same contract.
 */
record AnchorMemory(long chainId, String contract) {

  static final String FILE = "anchor.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  static Path file(Path runDir) {
    return runDir.resolve(RunLedger.DIR).resolve(FILE);
  }

  /** The remembered contract of the run in {@code runDir}, if any. */
  static Optional<AnchorMemory> read(Path runDir) throws IOException {
    Path file = file(runDir);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    JsonNode node;
    try {
      node = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UserError(file + " is not valid JSON; delete it to deploy a new contract, or give --contract");
    }
    if (node == null || !node.path("chainId").canConvertToLong() || node.path("chainId").asLong() < 1
        || !node.path("contract").asText("").matches("0x[0-9a-fA-F]{40}")) {
      throw new UserError(file + " must hold {\"chainId\": N, \"contract\": \"0x<40 hex digits>\"}; delete it to"
          + " deploy a new contract, or give --contract");
    }
    return Optional.of(new AnchorMemory(node.path("chainId").asLong(), node.path("contract").asText()));
  }

  /** Remembers this contract for the run in {@code runDir}. */
  void write(Path runDir) throws IOException {
    String json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
        JSON.createObjectNode().put("chainId", chainId).put("contract", contract)) + "\n";
    AtomicFile.write(file(runDir), json.getBytes(StandardCharsets.UTF_8));
  }
}
