package dev.shoal.anchor;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Rewards are integers on chain: one reward unit is {@value #MICRO_UNITS_PER_UNIT} micro-units,
 * so amounts carry at most six decimal places.
 */
public final class RewardScale {

  /** Micro-units per reward unit. */
  public static final long MICRO_UNITS_PER_UNIT = 1_000_000L;

  /** Decimal places a reward amount may have. */
  public static final int DECIMALS = 6;

  private RewardScale() {
  }

  /** The on-chain integer for {@code units} reward units; exact or refused. */
  public static BigInteger toMicroUnits(BigDecimal units) {
    if (units.signum() < 0) {
      throw new IllegalArgumentException("reward " + units.toPlainString() + " is negative; rewards must be 0 or more");
    }
    BigDecimal scaled = units.movePointRight(DECIMALS);
    try {
      return scaled.toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("reward " + units.toPlainString() + " has more than " + DECIMALS
          + " decimal places; the chain stores micro-units (1 unit = " + MICRO_UNITS_PER_UNIT + ")", e);
    }
  }

  /** Reward units for an on-chain integer of micro-units. */
  public static BigDecimal toUnits(BigInteger microUnits) {
    return new BigDecimal(microUnits, DECIMALS).stripTrailingZeros();
  }
}
