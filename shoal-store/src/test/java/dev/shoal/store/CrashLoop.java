package dev.shoal.store;

import dev.shoal.round.RoundMetrics;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A stand-in coordinator for {@link CrashSafetyTest}: opens a state directory, resumes run
 * {@value #RUN}, and completes rounds as fast as it can, each with one node's result, until it is
 * killed. It prints {@code resume <round>} once and {@code completed <round>} after each commit.
 */
public final class CrashLoop {

  static final String RUN = "crash-loop";
  static final String NODE = "node-1";
  static final int ROUNDS = 1_000_000;
  static final int MODEL_FLOATS = 16 * 1024;

  private CrashLoop() {}

  static RunSpec spec() {
    return RunSpec.of(RUN, "rounds: " + ROUNDS + "\n", 7, ROUNDS);
  }

  /** The global model after {@code round}: different in every round, the same in every process. */
  static ParameterSet model(int round) {
    float[] w = new float[MODEL_FLOATS];
    for (int i = 0; i < w.length; i++) {
      w[i] = round + i / 1024f;
    }
    return new ParameterSet(List.of(new Tensor("w", new int[] {MODEL_FLOATS}, w)),
        Map.of("round", Integer.toString(round)));
  }

  public static void main(String[] args) throws Exception {
    try (StateDirectory state = StateDirectory.open(Path.of(args[0]))) {
      RunStore runs = state.runs();
      Run run = runs.openRun(spec());
      int next = nextRound(runs, run);
      System.out.println("resume " + next);
      System.out.flush();
      ContentId base = runs.lastCompletedRound(run.id()).map(CompletedRound::modelId)
          .orElseGet(() -> ContentId.of(new byte[0]));
      for (int round = next; round <= ROUNDS; round++) {
        base = completeRound(state, run, round, base);
        System.out.println("completed " + round);
        System.out.flush();
      }
    }
  }

  /**
   * One round as a coordinator does it: start it, journal the node's instruction, then its
   * result and outcome (two batches, as the journal writes them), store the model, complete.
   */
  static ContentId completeRound(StateDirectory state, Run run, int round, ContentId base) throws IOException {
    RunStore runs = state.runs();
    BlobStore blobs = state.blobs();
    runs.startRound(run.id(), round);
    Instant now = Instant.now();
    runs.record(List.of(new Bookkeeping.NodeSeen(NODE, now, NodeStatus.ONLINE),
        new Bookkeeping.Instructed(run.id(), round, NODE, InstructionKind.FIT, base,
            Map.of("round", Integer.toString(round)), now)));
    ContentId update = blobs.put(("update of round " + round).getBytes(StandardCharsets.UTF_8));
    runs.record(List.of(
        new Bookkeeping.Received(Result.of(run.id(), round, NODE, update, 100, Map.of("loss", 1.0 / round)), now),
        new Bookkeeping.Resolved(run.id(), round, NODE, InstructionKind.FIT, InstructionStatus.DONE, null, now)));
    ContentId model = blobs.putModel(model(round));
    runs.completeRound(run.id(), new RoundMetrics(round, 1, 0, true, 1.0 / round, Double.NaN,
        Double.NaN, 10, 10, 0.01, model.value(), Map.of()), model);
    return model;
  }

  /** The round a resumed run continues with: one after the last completed round. */
  static int nextRound(RunStore runs, Run run) {
    return runs.lastCompletedRound(run.id()).map(CompletedRound::round).orElse(0) + 1;
  }
}
