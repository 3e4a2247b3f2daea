package dev.shoal.contribution;

/** Which contribution scores a round computes. */
public enum Method {
  /** {@link LeaveOneOut} only; rewards follow its scores. */
  LEAVE_ONE_OUT,
  /** {@link GtgShapley} only; rewards follow its scores. */
  GTG_SHAPLEY,
  /** Both, sharing cached evaluations; both are recorded and rewards follow the Shapley scores. */
  BOTH
}
