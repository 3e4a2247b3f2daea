package dev.shoal.round;

/**
 * One update folded into an asynchronous model step: who sent it, the content id it was committed
 * to, how many model steps the global model had taken since the client's copy (its staleness) and
 * the weight that staleness earned it.
 */
public record StepUpdate(String client, String commitment, int staleness, double weight) {

  public StepUpdate {
    if (staleness < 0) {
      throw new IllegalArgumentException("staleness must be >= 0, got " + staleness);
    }
  }
}
