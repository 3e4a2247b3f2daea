package dev.shoal.contribution;

/** A way to turn a round's utility into per-participant contribution scores. */
public interface Valuation {

  Scores score(Utility utility);
}
