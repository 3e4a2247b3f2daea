package dev.shoal.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RunEvent;
import dev.shoal.round.RunListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.TreeMap;

/**
 * Appends one JSON object per finished round to a {@code metrics.jsonl} file: {@code round,
 * clients, failures, train_loss, test_loss, test_accuracy, bytes_up, bytes_down, seconds}, then
 * {@code aggregated}, {@code model_id} and any extra metrics. Unmeasured values are null.
 */
public final class MetricsJsonl implements RunListener {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path file;

  /** Starts a fresh file, replacing one left by an earlier run in the same place. */
  public MetricsJsonl(Path file) throws IOException {
    this(file, java.util.List.of());
  }

  /**
   * Starts the file with the lines of rounds already completed (a resumed run), replacing
   * whatever was there, so each round appears exactly once.
   */
  public MetricsJsonl(Path file, java.util.List<String> completedRounds) throws IOException {
    this.file = file;
    StringBuilder text = new StringBuilder();
    completedRounds.forEach(l -> text.append(l).append('\n'));
    dev.shoal.io.AtomicFile.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void on(RunEvent event) {
    if (event instanceof RunEvent.RoundFinished finished) {
      append(line(finished.metrics()));
    }
  }

  public static String line(RoundMetrics m) {
    ObjectNode o = JSON.createObjectNode();
    o.put("round", m.round());
    o.put("clients", m.clients());
    o.put("failures", m.failures());
    number(o, "train_loss", m.trainLoss());
    number(o, "test_loss", m.testLoss());
    number(o, "test_accuracy", m.testAccuracy());
    o.put("bytes_up", m.bytesUp());
    o.put("bytes_down", m.bytesDown());
    o.put("seconds", Math.round(m.seconds() * 1000) / 1000.0);
    o.put("aggregated", m.aggregated());
    o.put("model_id", m.modelId());
    new TreeMap<>(m.extra()).forEach((k, v) -> number(o, k, v));
    try {
      return JSON.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void number(ObjectNode o, String key, double value) {
    if (Double.isFinite(value)) {
      o.put(key, value);
    } else {
      o.putNull(key);
    }
  }

  private void append(String line) {
    try {
      Files.write(file, (line + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
  }
}
