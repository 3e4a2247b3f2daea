package dev.shoal.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.ledger.LedgerEntry;
import dev.shoal.ledger.RoundCompleted;
import dev.shoal.store.CommittedRound;
import dev.shoal.store.Result;
import dev.shoal.store.StateDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a run's outputs level with its database when a coordinator starts, before anything else
 * is written: the database's completed rounds are the truth ({@link RoundCommitter} commits them
 * first), and a crash may have stopped the commit of the last one anywhere after that.
 *
 * <ul>
 *   <li>a completed round the ledger does not record is appended (from the entry committed with
 *       the round) and signed, in round order;
 *   <li>a ledger that records a round the database does not have is refused: the database was
 *       restored from an older backup than the ledger;
 *   <li>{@code metrics.jsonl} is rewritten when it is not exactly one line per completed round;
 *   <li>{@code model.safetensors} is rewritten when it is missing or not the last round's model.
 * </ul>
 */
final class RunReconciler {

  private static final Logger log = LoggerFactory.getLogger(RunReconciler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** metrics.jsonl fields that are not round metrics in the ledger's sense. */
  private static final Set<String> NOT_LEDGER_METRICS = Set.of("round", "bytes_up", "bytes_down", "seconds",
      "aggregated", "model_id");

  private RunReconciler() {}

  /** Repairs what needs repair; returns how many ledger entries it appended. */
  static int reconcile(StateDirectory state, long runId, String run, RunLedger ledger, RunOutputs outputs)
      throws IOException {
    List<CommittedRound> committed = state.runs().committedRounds(runId);
    int appended = ledger == null ? 0 : ledger(state, runId, run, ledger, committed);
    List<String> lines = committed.stream().map(CommittedRound::metricsJson).toList();
    if (!outputs.metricsHold(lines)) {
      outputs.writeMetrics(lines);
      log.info("outputs reconciled run={} file={} rounds={}", run, outputs.metrics(), lines.size());
    }
    if (!committed.isEmpty()) {
      CommittedRound last = committed.get(committed.size() - 1);
      if (!outputs.modelHolds(state.blobs(), last.modelId())) {
        outputs.writeModel(state.blobs(), last.modelId());
        log.info("outputs reconciled run={} file={} round={} model={}", run, outputs.model(), last.round(),
            last.modelId().value());
      }
    }
    return appended;
  }

  private static int ledger(StateDirectory state, long runId, String run, RunLedger ledger,
      List<CommittedRound> committed) throws IOException {
    Set<Long> recorded = new HashSet<>(ledger.recordedRounds(run));
    Set<Long> known = new HashSet<>();
    committed.forEach(c -> known.add((long) c.round()));
    for (long round : recorded) {
      if (!known.contains(round)) {
        throw new UserError("the ledger in " + ledger.dir() + " records round " + round + " of run '" + run
            + "', which the state database does not hold as completed: the database is older than the ledger"
            + " (restored from an older backup?); restore both from the same backup (docs/operations.md)");
      }
    }
    int appended = 0;
    for (CommittedRound c : committed) {
      if (recorded.contains((long) c.round())) {
        continue;
      }
      LedgerEntry entry = c.ledgerEntry().isPresent()
          ? LedgerEntry.parse(c.ledgerEntry().get().getBytes(StandardCharsets.UTF_8))
          : rebuilt(run, c, state.runs().results(runId, c.round()));
      ledger.append(entry);
      appended++;
      log.warn("ledger reconciled run={} round={} source={} reason=\"committed in the state database but"
          + " missing from the ledger (the coordinator stopped between the two)\"", run, c.round(),
          c.ledgerEntry().isPresent() ? "committed_entry" : "rebuilt_from_database");
    }
    return appended;
  }

  /**
   * The entry of a round committed by a Shoal that did not keep it with the round: its metrics
   * from the round's metrics line, its participants and their update commitments from the results
   * it recorded; contribution scores and rewards were not kept, so they stay empty.
   */
  private static RoundCompleted rebuilt(String run, CommittedRound c, List<Result> results) throws IOException {
    Map<String, Double> metrics = new TreeMap<>();
    JsonNode line = JSON.readTree(c.metricsJson());
    line.fields().forEachRemaining(f -> {
      if (!NOT_LEDGER_METRICS.contains(f.getKey()) && f.getValue().isNumber()) {
        metrics.put(f.getKey(), f.getValue().doubleValue());
      }
    });
    Map<String, String> commitments = new TreeMap<>();
    results.forEach(r -> commitments.put(r.node(), r.updateId().value()));
    return new RoundCompleted(run, c.round(), c.modelId().value(), new ArrayList<>(commitments.keySet()), commitments,
        metrics, Map.of(), Map.of(), Map.of());
  }
}
