package dev.shoal.app;

import dev.shoal.contribution.ContributionReport;
import dev.shoal.ledger.ModelStepped;
import dev.shoal.ledger.RoundCompleted;
import dev.shoal.ledger.SubtreeMember;
import dev.shoal.ledger.RunStarted;
import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RoundRecord;
import dev.shoal.round.RunEvent;
import dev.shoal.round.RunListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run into its ledger: a {@code run_started} entry when the run starts (again, after a
 * resume), a {@code round_completed} entry after every round (a {@code model_stepped} entry after
 * every step of an asynchronous run), each followed by a signed
 * checkpoint. A failed append is logged as an error; the run goes on.
 */
final class LedgerRecorder implements RunListener {

  private static final Logger log = LoggerFactory.getLogger(LedgerRecorder.class);

  private final RunLedger ledger;
  private final String run;
  private final String jobConfigHash;
  private final boolean recordRounds;

  LedgerRecorder(RunLedger ledger, String run, String jobConfigHash) {
    this(ledger, run, jobConfigHash, true);
  }

  /**
   * A recorder of the run's starts only, when a {@link RoundCommitter} records each round as part of
   * committing it ({@code recordRounds} false).
   */
  LedgerRecorder(RunLedger ledger, String run, String jobConfigHash, boolean recordRounds) {
    this.ledger = ledger;
    this.run = run;
    this.jobConfigHash = jobConfigHash;
    this.recordRounds = recordRounds;
  }

  @Override
  public void on(RunEvent event) {
    try {
      switch (event) {
        case RunEvent.RunStarted s -> ledger.append(new RunStarted(run, jobConfigHash, s.strategy(), Instant.now()));
        case RunEvent.RoundFinished f when recordRounds && !f.record().stepUpdates().isEmpty() ->
            ledger.append(modelStepped(run, f.metrics(), f.record()));
        case RunEvent.RoundFinished f when recordRounds -> ledger.append(roundCompleted(run, f.metrics(), f.record()));
        default -> { }
      }
    } catch (IOException | RuntimeException e) {
      log.error("ledger append failed run={} event={} reason=\"{}\"", run, event.getClass().getSimpleName(), e.getMessage());
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** The ledger entry of a completed round. */
  static RoundCompleted roundCompleted(String run, RoundMetrics m, RoundRecord record) {
    Map<String, Double> metrics = new TreeMap<>();
    put(metrics, "clients", m.clients());
    put(metrics, "failures", m.failures());
    put(metrics, "train_loss", m.trainLoss());
    put(metrics, "test_loss", m.testLoss());
    put(metrics, "test_accuracy", m.testAccuracy());
    m.extra().forEach((k, v) -> put(metrics, k, v));
    var report = record.contributions();
    Map<String, Double> scores = report.map(ContributionReport::scores).orElse(Map.of());
    Map<String, Double> rewards = new TreeMap<>();
    report.ifPresent(r -> r.rewards().forEach((node, amount) -> rewards.put(node, amount.doubleValue())));
    List<String> participants = List.copyOf(record.commitments().keySet());
    Map<String, Double> leaveOneOut = report.map(ContributionReport::leaveOneOut).orElse(Map.of());
    Map<String, List<SubtreeMember>> subtrees = new TreeMap<>();
    record.subtrees().forEach((relay, members) -> subtrees.put(relay, members.stream()
        .map(s -> new SubtreeMember(s.node(), s.examples(), s.update(), s.via())).toList()));
    return new RoundCompleted(run, m.round(), m.modelId(), participants, record.commitments(), metrics, scores,
        leaveOneOut, rewards, subtrees);
  }

  /** The ledger entry of an asynchronous model step: its updates in arrival order, with their staleness. */
  static ModelStepped modelStepped(String run, RoundMetrics m, RoundRecord record) {
    Map<String, Double> metrics = new TreeMap<>();
    put(metrics, "train_loss", m.trainLoss());
    put(metrics, "test_loss", m.testLoss());
    put(metrics, "test_accuracy", m.testAccuracy());
    m.extra().forEach((k, v) -> put(metrics, k, v));
    return new ModelStepped(run, m.round(), m.modelId(), record.stepUpdates().stream()
        .map(u -> new ModelStepped.Update(u.client(), u.commitment(), u.staleness(), u.weight())).toList(), metrics);
  }

  private static void put(Map<String, Double> metrics, String name, double value) {
    if (Double.isFinite(value)) {
      metrics.put(name, value);
    }
  }
}
