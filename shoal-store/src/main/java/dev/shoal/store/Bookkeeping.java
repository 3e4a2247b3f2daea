package dev.shoal.store;

import dev.shoal.tensor.ContentId;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One fact about nodes and the work handed to them, as the coordinator learns it. Many are
 * written together, in one transaction, by {@link RunStore#record}: the coordinator queues them
 * as they happen and writes them in batches, so a burst of events costs one disk sync.
 */
public sealed interface Bookkeeping {

  /**
   * A node heard from at {@code at} (a registration, a heartbeat, a result), or found silent
   * ({@link NodeStatus#OFFLINE}, with {@code at} the last time it was heard from). Registers the
   * node if it is new; {@code last_seen} never moves backwards.
   */
  record NodeSeen(String node, Instant at, NodeStatus status) implements Bookkeeping {
    public NodeSeen {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(status, "status");
      if (node.isBlank()) {
        throw new IllegalArgumentException("node name must not be blank");
      }
    }
  }

  /** Work handed to a node in a started round; pending until {@link Resolved}. */
  record Instructed(long runId, int round, String node, InstructionKind kind, ContentId baseModelId,
      Map<String, String> config, Instant at) implements Bookkeeping {
    public Instructed {
      Objects.requireNonNull(baseModelId, "baseModelId");
      config = Map.copyOf(config);
    }
  }

  /** What became of an instruction; {@code reason} is null when it is done. */
  record Resolved(long runId, int round, String node, InstructionKind kind, InstructionStatus status,
      String reason, Instant at) implements Bookkeeping {
    public Resolved {
      if (status == InstructionStatus.PENDING) {
        throw new IllegalArgumentException("an instruction is resolved as done, failed, timed out or offline");
      }
    }
  }

  /** A fit result the round accepted: the update's blob id, weight and metrics. */
  record Received(Result result, Instant at) implements Bookkeeping {}

  /** Why a node's result was not used. */
  enum Receipt {
    /** The same result again, after it was accepted (a retry). */
    DUPLICATE,
    /** A result for work the round had stopped waiting for. */
    LATE,
    /** A result for work the node was never given. */
    NOT_INSTRUCTED
  }

  /** A result the coordinator received but did not use. */
  record Ignored(long runId, int round, String node, InstructionKind kind, Receipt receipt, Instant at)
      implements Bookkeeping {}
}
