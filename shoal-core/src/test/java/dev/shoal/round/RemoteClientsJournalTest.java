package dev.shoal.round;

import static dev.shoal.round.RemoteClientsTest.params;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.FitReply;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Everything that happens to nodes and their work is told to the journal. */
class RemoteClientsJournalTest {

  final RemoteClientsTest.ManualClock clock = new RemoteClientsTest.ManualClock();
  final List<String> events = new CopyOnWriteArrayList<>();
  final RemoteClients port = new RemoteClients(clock, Duration.ofSeconds(30), new RemoteClients.Journal() {
    @Override
    public void online(String node, Instant at) {
      events.add("online " + node);
    }

    @Override
    public void seen(String node, Instant at) {
      events.add("seen " + node);
    }

    @Override
    public void offline(String node, Instant lastSeen) {
      events.add("offline " + node + " " + lastSeen);
    }

    @Override
    public void instructed(String node, RemoteClients.Work work, Instant at) {
      events.add("instructed " + node + " " + work.getClass().getSimpleName() + " " + work.round());
    }

    @Override
    public void outcome(String node, RemoteClients.Kind kind, int round, RemoteClients.Outcome outcome,
        String reason, Instant at) {
      events.add(node + " " + kind + " " + round + " " + outcome + (reason == null ? "" : ": " + reason));
    }
  });

  static FitInstruction fit(String node) {
    return new FitInstruction(node, 1, params(0), new FitConfig(1, 10, 0.1, 1));
  }

  /** Asks on another thread, as the engine does, and returns once the work is queued. */
  Thread ask(String node, String kind, Callable<?> call) {
    Thread t = Thread.ofVirtual().start(() -> {
      try {
        call.call();
      } catch (Exception expected) {
        // failures are what some of these calls are for
      }
    });
    while (!events.contains("instructed " + node + " " + kind + " 1")) {
      Thread.onSpinWait();
    }
    return t;
  }

  @Test
  void theJournalSeesInstructionsOutcomesAndLiveness() throws Exception {
    for (String n : List.of("a", "b", "c", "d")) {
      port.register(n);
    }
    Instant start = clock.now;
    port.heartbeat("a");

    Thread a = ask("a", "Fit", () -> port.fit(fit("a")));
    port.poll("a");
    var reply = new FitReply("a", params(1), 10, Map.of());
    port.submitFit("a", 1, reply);
    port.submitFit("a", 1, reply);
    port.submitFit("a", 5, reply);
    a.join();
    Thread ae = ask("a", "Evaluate", () -> port.evaluate("a", 1, params(1)));
    port.poll("a");
    port.submitEvaluation("a", 1, new Evaluation(10, 0.5, 0.9));
    ae.join();

    Thread b = ask("b", "Fit", () -> port.fit(fit("b")));
    port.poll("b");
    port.failFit("b", 1, "out of memory");
    b.join();

    Thread d = ask("d", "Fit", () -> port.fit(fit("d")));
    d.interrupt();
    d.join();
    port.submitFit("d", 1, new FitReply("d", params(1), 10, Map.of()));

    Thread c = ask("c", "Fit", () -> port.fit(fit("c")));
    clock.now = clock.now.plusSeconds(31);
    port.heartbeat("a");
    port.sweep();
    c.join();
    port.heartbeat("c");

    assertThat(events).containsExactly(
        "online a", "online b", "online c", "online d",
        "seen a",
        "instructed a Fit 1", "seen a", "seen a", "a FIT 1 ACCEPTED", "seen a", "a FIT 1 DUPLICATE",
        "seen a", "a FIT 5 NOT_INSTRUCTED",
        "instructed a Evaluate 1", "seen a", "seen a", "a EVALUATE 1 ACCEPTED",
        "instructed b Fit 1", "seen b", "b FIT 1 FAILED: out of memory",
        "instructed d Fit 1", "d FIT 1 TIMED_OUT: no answer before the round's deadline", "seen d", "d FIT 1 LATE",
        "instructed c Fit 1", "seen a",
        "offline b " + start,
        "offline c " + start, "c FIT 1 OFFLINE: node went offline (no heartbeat for 30s)",
        "offline d " + start,
        "online c");
  }
}
