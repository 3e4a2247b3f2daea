package dev.shoal.round;

import dev.shoal.round.RemoteClients.Work;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One piece of work given to a node, under its {@link WorkKey}; the future its answer completes,
 * and when the engine stops waiting (or null).
 */
record PendingWork(String key, Work work, CompletableFuture<Object> answer, Instant deadline) {

  /** {@code work}, which the engine waits for until {@code within} from now, or with no deadline when null. */
  static PendingWork of(Work work, Clock clock, Duration within) {
    return new PendingWork(WorkKey.of(work), work, new CompletableFuture<>(),
        within == null ? null : clock.instant().plus(within));
  }

  /** Waits for the node's answer; work that failed throws the exception it failed with. */
  Object await() throws Exception {
    try {
      return answer.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }
}
