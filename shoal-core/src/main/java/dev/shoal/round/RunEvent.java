package dev.shoal.round;

import dev.shoal.tensor.ParameterSet;
import java.util.List;

/** Everything the round engine reports. One stream feeds every reporter. */
public sealed interface RunEvent {

  record RunStarted(String strategy, int rounds, int clients, long parameterCount, String initialModelId)
      implements RunEvent {}

  record RoundStarted(int round, int totalRounds, List<String> sampled) implements RunEvent {}

  record ClientFailed(int round, String clientId, String reason) implements RunEvent {}

  /** A round is over; {@code record} says which updates it used and what they contributed. */
  record RoundFinished(RoundMetrics metrics, int totalRounds, ParameterSet model, RoundRecord record)
      implements RunEvent {

    public RoundFinished(RoundMetrics metrics, int totalRounds, ParameterSet model) {
      this(metrics, totalRounds, model, RoundRecord.NONE);
    }
  }

  /** The strategy ended the run before {@code round}, e.g. at its privacy budget; RunFinished follows. */
  record RunStopped(int round, String reason) implements RunEvent {}

  record RunFinished(ParameterSet model, List<RoundMetrics> history, double seconds) implements RunEvent {}
}
