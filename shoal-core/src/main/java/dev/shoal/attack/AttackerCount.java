package dev.shoal.attack;

import dev.shoal.round.RoundMetrics;
import dev.shoal.round.RunEvent;
import dev.shoal.round.RunListener;
import java.util.HashMap;
import java.util.Map;

/**
 * Adds {@code attackers} to each round's metrics: how many of the round's sampled clients were
 * attackers, so {@code metrics.jsonl} shows how much of each round was attacked.
 */
public final class AttackerCount implements RunListener {

  private final AttackPlan plan;
  private final RunListener next;
  private final Map<Integer, Integer> sampled = new HashMap<>();

  public AttackerCount(AttackPlan plan, RunListener next) {
    this.plan = plan;
    this.next = next;
  }

  @Override
  public void on(RunEvent event) {
    if (event instanceof RunEvent.RoundStarted s) {
      sampled.put(s.round(), (int) s.sampled().stream().filter(plan::attacks).count());
    } else if (event instanceof RunEvent.RoundFinished f) {
      RoundMetrics m = f.metrics();
      Map<String, Double> extra = new HashMap<>(m.extra());
      extra.put("attackers", (double) sampled.getOrDefault(m.round(), 0));
      sampled.remove(m.round());
      event = new RunEvent.RoundFinished(new RoundMetrics(m.round(), m.clients(), m.failures(), m.aggregated(),
          m.trainLoss(), m.testLoss(), m.testAccuracy(), m.bytesUp(), m.bytesDown(), m.seconds(), m.modelId(), extra),
          f.totalRounds(), f.model(), f.record());
    }
    next.on(event);
  }
}
