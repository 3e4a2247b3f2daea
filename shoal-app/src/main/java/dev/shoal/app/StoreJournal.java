package dev.shoal.app;

import dev.shoal.round.RemoteClients;
import dev.shoal.store.Bookkeeping;
import dev.shoal.store.Result;
import dev.shoal.store.InstructionKind;
import dev.shoal.store.InstructionStatus;
import dev.shoal.store.NodeStatus;
import dev.shoal.store.RunStore;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.FitConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what {@link RemoteClients} journals into the {@link RunStore}, off the hot path.
 *
 * <p>Journal calls only queue an entry; one writer thread drains the queue and writes everything
 * queued in one transaction, so a burst of events (a hundred nodes polling, a round's results
 * arriving) costs one disk sync, not one each. Heartbeats are the frequent case and are thinned
 * out before they are queued: a node's last-seen time is written when its state changes (it
 * registers, comes back, goes offline) and otherwise at most once per {@code lastSeenEvery}, so
 * the stored time lags the truth by at most that much. Closing writes every node's latest time.
 */
final class StoreJournal implements RemoteClients.Journal, AutoCloseable {

  /** How stale a stored last-seen time may get while a node keeps sending heartbeats. */
  static final Duration LAST_SEEN_EVERY = Duration.ofSeconds(15);

  private static final Logger log = LoggerFactory.getLogger(StoreJournal.class);
  private static final int MAX_BATCH = 1000;
  private static final Object STOP = new Object();

  /** Work handed out; its model's id is computed on the writer thread. */
  private record Given(String node, RemoteClients.Work work, Instant at) {}

  private record Flush(CompletableFuture<Void> done) {}

  private final RunStore store;
  private final long runId;
  private final Duration lastSeenEvery;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Map<String, Instant> written = new HashMap<>();
  private final Map<String, Instant> latest = new HashMap<>();
  private final Thread writer;
  private ParameterSet lastModel;
  private ContentId lastModelId;

  StoreJournal(RunStore store, long runId, Duration lastSeenEvery) {
    this.store = store;
    this.runId = runId;
    this.lastSeenEvery = lastSeenEvery;
    this.writer = Thread.ofPlatform().name("bookkeeping").daemon().start(this::drain);
  }

  @Override
  public synchronized void online(String node, Instant at) {
    written.put(node, at);
    latest.put(node, at);
    queue.add(new Bookkeeping.NodeSeen(node, at, NodeStatus.ONLINE));
  }

  @Override
  public synchronized void seen(String node, Instant at) {
    latest.put(node, at);
    Instant last = written.get(node);
    if (last == null || !at.isBefore(last.plus(lastSeenEvery))) {
      written.put(node, at);
      queue.add(new Bookkeeping.NodeSeen(node, at, NodeStatus.ONLINE));
    }
  }

  @Override
  public synchronized void offline(String node, Instant lastSeen) {
    written.put(node, lastSeen);
    latest.put(node, lastSeen);
    queue.add(new Bookkeeping.NodeSeen(node, lastSeen, NodeStatus.OFFLINE));
  }

  @Override
  public void instructed(String node, RemoteClients.Work work, Instant at) {
    if (work instanceof RemoteClients.Work.SecAgg) {
      return; // stages of secure aggregation are not instructions of the run's record
    }
    queue.add(new Given(node, work, at));
  }

  @Override
  public void outcome(String node, RemoteClients.Kind kind, int round, RemoteClients.Outcome outcome,
      String reason, Instant at) {
    if (kind == RemoteClients.Kind.SECAGG) {
      return;
    }
    InstructionKind k = kind == RemoteClients.Kind.FIT ? InstructionKind.FIT : InstructionKind.EVALUATE;
    queue.add(switch (outcome) {
      case ACCEPTED -> new Bookkeeping.Resolved(runId, round, node, k, InstructionStatus.DONE, null, at);
      case FAILED -> new Bookkeeping.Resolved(runId, round, node, k, InstructionStatus.FAILED, reason, at);
      case TIMED_OUT -> new Bookkeeping.Resolved(runId, round, node, k, InstructionStatus.TIMED_OUT, reason, at);
      case OFFLINE -> new Bookkeeping.Resolved(runId, round, node, k, InstructionStatus.OFFLINE, reason, at);
      case DUPLICATE -> new Bookkeeping.Ignored(runId, round, node, k, Bookkeeping.Receipt.DUPLICATE, at);
      case LATE -> new Bookkeeping.Ignored(runId, round, node, k, Bookkeeping.Receipt.LATE, at);
      case NOT_INSTRUCTED -> new Bookkeeping.Ignored(runId, round, node, k, Bookkeeping.Receipt.NOT_INSTRUCTED, at);
    });
  }

  /** Returns once everything journalled so far is in the store. */
  /** An accepted fit result, written to the results table with the update's blob id. */
  void received(Result result) {
    queue.add(new Bookkeeping.Received(result, Instant.now()));
  }

  void flush() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    queue.add(new Flush(done));
    done.join();
  }

  /** Writes every node's latest last-seen time and whatever is queued, then stops the writer. */
  @Override
  public void close() {
    synchronized (this) {
      latest.forEach((node, at) -> {
        if (!at.equals(written.get(node))) {
          queue.add(new Bookkeeping.NodeSeen(node, at, NodeStatus.ONLINE));
        }
      });
    }
    queue.add(STOP);
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void drain() {
    List<Object> batch = new ArrayList<>();
    while (true) {
      try {
        batch.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(batch, MAX_BATCH);
      write(batch);
      boolean stop = batch.contains(STOP);
      batch.clear();
      if (stop) {
        return;
      }
    }
  }

  private void write(List<Object> batch) {
    List<Bookkeeping> entries = new ArrayList<>();
    for (Object o : batch) {
      try {
        switch (o) {
          case Bookkeeping b -> entries.add(b);
          case Given g -> entries.add(instructed(g));
          default -> { }
        }
      } catch (RuntimeException e) {
        log.warn("bookkeeping entry dropped entry={} reason=\"{}\"", o, e.getMessage());
      }
    }
    try {
      store.record(entries);
    } catch (RuntimeException e) {
      log.warn("bookkeeping batch failed, writing entries one by one reason=\"{}\"", e.getMessage());
      for (Bookkeeping b : entries) {
        try {
          store.record(List.of(b));
        } catch (RuntimeException one) {
          log.warn("bookkeeping entry not written entry={} reason=\"{}\"", b, one.getMessage());
        }
      }
    } finally {
      for (Object o : batch) {
        if (o instanceof Flush f) {
          f.done().complete(null);
        }
      }
    }
  }

  private Bookkeeping instructed(Given g) {
    return switch (g.work()) {
      case RemoteClients.Work.Fit f -> new Bookkeeping.Instructed(runId, f.round(), g.node(), InstructionKind.FIT,
          modelId(f.instruction().global()), config(f.instruction().config()), g.at());
      case RemoteClients.Work.Evaluate e -> new Bookkeeping.Instructed(runId, e.round(), g.node(),
          InstructionKind.EVALUATE, modelId(e.global()), Map.of(), g.at());
      case RemoteClients.Work.SecAgg s -> throw new IllegalArgumentException("a secure-aggregation stage is not an instruction");
      case RemoteClients.Work.Stop s -> throw new IllegalArgumentException("stop is not an instruction");
    };
  }

  /** The global model's id, computed once per model however many nodes are given it. */
  private ContentId modelId(ParameterSet model) {
    if (model != lastModel) {
      lastModelId = ContentId.of(model);
      lastModel = model;
    }
    return lastModelId;
  }

  private static Map<String, String> config(FitConfig c) {
    return Map.of("epochs", Integer.toString(c.epochs()), "batch_size", Integer.toString(c.batchSize()),
        "learning_rate", Double.toString(c.learningRate()), "seed", Long.toString(c.seed()));
  }
}
