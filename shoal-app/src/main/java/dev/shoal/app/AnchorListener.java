package dev.shoal.app;

import dev.shoal.round.RunEvent;
import dev.shoal.round.RunListener;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anchors the run's ledger during the run: after every {@code every}-th round, after the last
 * round and when the run finishes, through {@link LedgerAnchoring} as {@code shoal ledger anchor}
 * does. Placed after the ledger recorder, so the round's entry is in the ledger. Runs between
 * rounds: the next round starts once the transactions are mined. A failed anchor is logged as an
 * error and the run goes on; the next anchor sends what this one did not.
 */
final class AnchorListener implements RunListener {

  private static final Logger log = LoggerFactory.getLogger(AnchorListener.class);

  private final Path runDir;
  private final AnchorSchedule schedule;
  private int anchoredAfter = -1;

  AnchorListener(Path runDir, AnchorSchedule schedule) {
    this.runDir = runDir;
    this.schedule = schedule;
  }

  @Override
  public void on(RunEvent event) {
    switch (event) {
      case RunEvent.RoundFinished f when f.metrics().round() % schedule.every() == 0
          || f.metrics().round() == f.totalRounds() -> anchor(f.metrics().round());
      case RunEvent.RunFinished f when !f.history().isEmpty() && anchoredAfter != f.history().getLast().round() ->
          anchor(f.history().getLast().round());
      default -> { }
    }
  }

  private void anchor(int round) {
    try {
      AnchorReport report = LedgerAnchoring.anchor(runDir, schedule.chain());
      anchoredAfter = round;
      if (!report.agrees()) {
        report.mismatches().forEach(m -> log.error("anchor disagrees with ledger round={} mismatch=\"{}\"", round, m));
      }
    } catch (Exception e) {
      log.error("anchoring failed, the run goes on and the next anchor retries round={} rpc={} reason=\"{}\"",
          round, schedule.chain().rpc(), e.getMessage());
    }
  }
}
