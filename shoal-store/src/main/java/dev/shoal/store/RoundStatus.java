package dev.shoal.store;

/** Where a round stands. A round left {@code STARTED} by a killed process is retried on resume. */
public enum RoundStatus {
  STARTED,
  COMPLETED,
  FAILED
}
