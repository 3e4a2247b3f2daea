package dev.shoal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assertions.tuple;

import dev.shoal.tensor.ContentId;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that completes rounds ({@link CrashLoop}) with {@code SIGKILL} at random
 * moments, over and over on the same state directory, and checks after every kill that nothing
 * completed was lost, nothing was completed twice, and the next process resumes where it stopped.
 */
@Tag("slow")
class CrashSafetyTest {

  private static final int KILLS = 5;
  private static final int ROUNDS_BEFORE_KILL = 3;
  private static final int EARLY_KILLS = 3;

  @TempDir Path dir;

  @Test
  void killingTheProcessAtAnyMomentLosesNoCompletedRound() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path state = dir.resolve("state");
    int completed = 0;
    for (int kill = 1; kill <= KILLS; kill++) {
      int delayMs = random.nextInt(250);
      String context = "kill " + kill + " of " + KILLS + " after " + delayMs + " ms (seed " + seed + ")";
      Child child = Child.start(state, dir.resolve("child-" + kill + ".log"));
      child.awaitCompleted(ROUNDS_BEFORE_KILL, context);
      assertThat(child.resumedAt()).as("first round of the resumed process, " + context).isEqualTo(completed + 1);
      Thread.sleep(delayMs);
      child.kill();

      int reported = child.lastReportedRound();
      try (StateDirectory reopened = StateDirectory.open(state)) {
        int k = verify(reopened, context);
        assertThat(k).as("rounds the killed process reported completed must be in the store, " + context)
            .isGreaterThanOrEqualTo(reported);
        assertThat(k).as("completed rounds are never lost, " + context).isGreaterThan(completed);
        completed = k;
      }
    }

    try (StateDirectory reopened = StateDirectory.open(state)) {
      RunStore runs = reopened.runs();
      Run run = runs.openRun(CrashLoop.spec());
      assertThat(CrashLoop.nextRound(runs, run)).isEqualTo(completed + 1);
      CrashLoop.completeRound(reopened, run, completed + 1, runs.lastCompletedRound(run.id()).orElseThrow().modelId());
      assertThat(verify(reopened, "after the final resume")).isEqualTo(completed + 1);
    }
  }

  @Test
  void killingTheProcessWhileItStartsLeavesAUsableDirectory() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    for (int kill = 1; kill <= EARLY_KILLS; kill++) {
      int delayMs = random.nextInt(1200);
      String context = "early kill " + kill + " after " + delayMs + " ms from launch (seed " + seed + ")";
      Path state = dir.resolve("early-" + kill);
      Child child = Child.start(state, dir.resolve("early-" + kill + ".log"));
      Thread.sleep(delayMs);
      child.kill();

      try (StateDirectory reopened = StateDirectory.open(state)) {
        int k = verify(reopened, context);
        assertThat(k).as(context).isGreaterThanOrEqualTo(child.lastReportedRound());
        RunStore runs = reopened.runs();
        Run run = runs.openRun(CrashLoop.spec());
        assertThat(CrashLoop.nextRound(runs, run)).as(context).isEqualTo(k + 1);
        ContentId base = runs.lastCompletedRound(run.id()).map(CompletedRound::modelId)
            .orElseGet(() -> ContentId.of(new byte[0]));
        CrashLoop.completeRound(reopened, run, k + 1, base);
        assertThat(verify(reopened, "resumed after " + context)).isEqualTo(k + 1);
      }
    }
  }

  /** Checks the store's invariants and returns the last completed round (0 if none). */
  private static int verify(StateDirectory state, String context) throws IOException {
    RunStore runs = state.runs();
    Optional<Run> found = runs.run(CrashLoop.RUN);
    if (found.isEmpty()) {
      return 0;
    }
    Run run = found.get();
    List<RoundRecord> rounds = runs.rounds(run.id());
    List<Integer> completed = rounds.stream()
        .filter(r -> r.status() == RoundStatus.COMPLETED).map(RoundRecord::round).toList();
    int k = completed.size();
    assertThat(completed).as("completed rounds are 1..k without gaps or repeats, " + context)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, k).boxed().toList());
    assertThat(rounds.stream().filter(r -> r.status() != RoundStatus.COMPLETED).map(RoundRecord::round))
        .as("only the round in flight may be unfinished, " + context)
        .allMatch(r -> r == k + 1);
    assertThat(runs.lastCompletedRound(run.id()).map(CompletedRound::round).orElse(0)).isEqualTo(k);
    if (k > 0) {
      CompletedRound last = runs.lastCompletedRound(run.id()).orElseThrow();
      assertThat(state.blobs().readModel(last.modelId()))
          .as("the last completed round's model is stored and verifies, " + context)
          .isEqualTo(CrashLoop.model(k));
    }
    for (RoundRecord r : rounds.subList(0, k)) {
      state.blobs().verify(r.modelId().orElseThrow());
      assertThat(StoredRows.results(state.dir(), run.id(), r.round()))
          .as("the result of round " + r.round() + " is there, once, " + context).hasSize(1);
      assertThat(runs.instructions(run.id(), r.round()))
          .as("the instruction of round " + r.round() + " is there and done, " + context)
          .extracting(Instruction::node, Instruction::status)
          .containsExactly(tuple(CrashLoop.NODE, InstructionStatus.DONE));
    }
    assertThat(runs.node(CrashLoop.NODE).map(Node::roundsContributed).orElse(0))
        .as("the node is credited once per completed round, " + context)
        .isEqualTo(k);
    return k;
  }

  /** A {@link CrashLoop} in its own JVM. */
  private static final class Child {

    private final Process process;
    private final Path log;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private Child(Process process, Path log) {
      this.process = process;
      this.log = log;
      Thread.ofPlatform().daemon().start(this::readOutput);
    }

    static Child start(Path state, Path log) throws IOException {
      String java = ProcessHandle.current().info().command()
          .orElseThrow(() -> new IllegalStateException("cannot tell which java runs this test"));
      List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "--enable-native-access=ALL-UNNAMED",
          "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
          "-cp", System.getProperty("java.class.path"), CrashLoop.class.getName(), state.toString()));
      Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
      return new Child(p, log);
    }

    private void readOutput() {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process was killed mid-line
      }
    }

    void awaitCompleted(int rounds, String context) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (lines.stream().filter(l -> l.startsWith("completed ")).count() < rounds) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          process.destroyForcibly().waitFor();
          fail("the child completed fewer than " + rounds + " rounds (" + context + "); output: " + lines
              + "; errors: " + Files.readString(log));
        }
        Thread.sleep(5);
      }
    }

    int resumedAt() {
      return Integer.parseInt(lines.get(0).substring("resume ".length()));
    }

    void kill() throws InterruptedException {
      process.destroyForcibly();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new AssertionError("the child did not die within 30 s of SIGKILL");
      }
    }

    int lastReportedRound() {
      int last = 0;
      for (String line : lines) {
        if (line.startsWith("completed ")) {
          last = Integer.parseInt(line.substring("completed ".length()));
        }
      }
      return last;
    }
  }
}
