package dev.shoal.contribution;

import java.util.BitSet;

/**
 * The worth v(S) of a coalition S of a round's participants, numbered 0 to n − 1 in reply order.
 * The empty coalition stands for the round's global model. {@link Utility} caches and counts the
 * calls; implementations only compute.
 */
@FunctionalInterface
public interface CoalitionValue {

  /** v(S) for the participants whose bits are set; must be finite and must not change {@code members}. */
  double value(BitSet members);
}
