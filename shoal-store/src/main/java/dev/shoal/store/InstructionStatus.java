package dev.shoal.store;

/** What became of an instruction sent to a node. */
public enum InstructionStatus {
  /** Sent, no answer yet. */
  PENDING,
  /** The node's result was received. */
  DONE,
  /** The node reported an error or did not answer in time. */
  FAILED,
  /** The node's update arrived but failed validation. */
  REJECTED
}
