package dev.shoal.contribution;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits one round's reward budget B among its participants in proportion to max(score, 0).
 *
 * <ul>
 *   <li>A participant with a negative or zero score gets 0.
 *   <li>When no score is positive (the round made nothing better, or was truncated), B is split
 *       equally among all participants.
 *   <li>Amounts are exact decimals in micro-units (6 decimal places) and always add up to exactly
 *       B: each participant first gets the floor of its exact share in micro-units, and the micro-units
 *       left over go one each to the largest remainders (ties to the id that sorts first).
 * </ul>
 *
 * <p>B must therefore be a whole number of micro-units. Balances across rounds are the caller's to
 * keep.
 *
 * @param budget the amount to split, at least 0, at most 6 decimal places
 */
public record RewardSplit(BigDecimal budget) {

  /** Decimal places of every amount: rewards are split in units of 10⁻⁶. */
  public static final int SCALE = 6;

  public RewardSplit {
    if (budget.signum() < 0) {
      throw new IllegalArgumentException("reward budget must be >= 0, got " + budget.toPlainString());
    }
    try {
      budget = budget.setScale(SCALE, RoundingMode.UNNECESSARY);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "reward budget must have at most " + SCALE + " decimal places, got " + budget.toPlainString());
    }
  }

  /** A split of {@code budget}, read as the decimal it prints as (0.1 is one tenth). */
  public static RewardSplit of(double budget) {
    if (!Double.isFinite(budget)) {
      throw new IllegalArgumentException("reward budget must be a finite number >= 0, got " + budget);
    }
    return new RewardSplit(BigDecimal.valueOf(budget));
  }

  /**
   * The reward of each participant in {@code scores}, in the same order.
   *
   * @throws IllegalArgumentException if there are no participants or a score is NaN or infinite
   */
  public Map<String, BigDecimal> split(Map<String, Double> scores) {
    if (scores.isEmpty()) {
      throw new IllegalArgumentException("scores must name at least one participant, got none");
    }
    List<String> ids = new ArrayList<>(scores.keySet());
    int n = ids.size();
    List<BigDecimal> positive = new ArrayList<>(n);
    int scale = 0;
    for (String id : ids) {
      Double s = scores.get(id);
      if (s == null || !Double.isFinite(s)) {
        throw new IllegalArgumentException("score of participant '" + id + "' must be a finite number, got " + s);
      }
      BigDecimal w = s > 0 ? new BigDecimal(s) : BigDecimal.ZERO;
      positive.add(w);
      scale = Math.max(scale, w.scale());
    }
    // Exact integer weights: every double is a finite binary fraction, so scaling all of them to
    // the largest decimal scale among them loses nothing.
    BigInteger[] weight = new BigInteger[n];
    BigInteger total = BigInteger.ZERO;
    for (int i = 0; i < n; i++) {
      weight[i] = positive.get(i).setScale(scale, RoundingMode.UNNECESSARY).unscaledValue();
      total = total.add(weight[i]);
    }
    if (total.signum() == 0) {
      Arrays.fill(weight, BigInteger.ONE);
      total = BigInteger.valueOf(n);
    }
    BigInteger units = budget.unscaledValue();
    BigInteger[] amount = new BigInteger[n];
    BigInteger[] remainder = new BigInteger[n];
    BigInteger given = BigInteger.ZERO;
    for (int i = 0; i < n; i++) {
      BigInteger[] qr = units.multiply(weight[i]).divideAndRemainder(total);
      amount[i] = qr[0];
      remainder[i] = qr[1];
      given = given.add(qr[0]);
    }
    List<Integer> byRemainder = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byRemainder.add(i);
    }
    byRemainder.sort(Comparator.<Integer, BigInteger>comparing(i -> remainder[i]).reversed()
        .thenComparing(ids::get));
    // The floors leave fewer units than there are participants with a non-zero remainder, and a
    // zero weight has a zero remainder, so the leftovers go to distinct, positively scored participants.
    int left = units.subtract(given).intValueExact();
    for (int k = 0; k < left; k++) {
      int i = byRemainder.get(k);
      amount[i] = amount[i].add(BigInteger.ONE);
    }
    Map<String, BigDecimal> out = new LinkedHashMap<>();
    for (int i = 0; i < ids.size(); i++) {
      out.put(ids.get(i), new BigDecimal(amount[i], SCALE));
    }
    return Collections.unmodifiableMap(out);
  }
}
