package dev.shoal.store;

/** Where a run stands. */
public enum RunStatus {
  RUNNING,
  COMPLETED,
  FAILED
}
