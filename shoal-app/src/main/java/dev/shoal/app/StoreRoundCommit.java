package dev.shoal.app;

import dev.shoal.round.RoundCommit;
import dev.shoal.round.RoundMetrics;
import dev.shoal.store.Run;
import dev.shoal.store.StateDirectory;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.IntConsumer;

/**
 * Makes each round durable in the state directory: started, then completed with its model
 * stored by content id and the round's journal flushed before the round's row.
 */
final class StoreRoundCommit implements RoundCommit {

  private final StateDirectory state;
  private final Run run;
  private final StoreJournal journal;
  private final IntConsumer onBegin;

  StoreRoundCommit(StateDirectory state, Run run, StoreJournal journal, IntConsumer onBegin) {
    this.state = state;
    this.run = run;
    this.journal = journal;
    this.onBegin = onBegin;
  }

  @Override
  public void begin(int round) {
    onBegin.accept(round);
    state.runs().startRound(run.id(), round);
  }

  @Override
  public void complete(RoundMetrics metrics, ParameterSet model) {
    try {
      ContentId id = state.blobs().putModel(model);
      journal.flush(); // the round's instructions and outcomes are in the store before it completes
      state.runs().completeRound(run.id(), metrics, id);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record round " + metrics.round(), e);
    }
  }
}
