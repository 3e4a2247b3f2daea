package dev.shoal.store;

/** What became of an instruction sent to a node. */
public enum InstructionStatus {
  /** Sent, no answer yet. */
  PENDING,
  /** The node's result was received. */
  DONE,
  /** The node reported an error (the reason is the node's). */
  FAILED,
  /** The node's update arrived but failed validation. */
  REJECTED,
  /** No answer before the round stopped waiting for it. */
  TIMED_OUT,
  /** The node went offline before answering. */
  OFFLINE
}
