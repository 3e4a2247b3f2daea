package dev.shoal.contribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

class RewardSplitProperties {

  @Property
  void amountsAddUpToTheBudgetAndStayWithinOneMicroUnitOfTheExactShare(
      @ForAll @LongRange(min = 0, max = 1_000_000_000_000L) long budgetMicros,
      @ForAll @Size(min = 1, max = 20) List<@DoubleRange(min = -5, max = 5) Double> raw) {
    BigDecimal budget = BigDecimal.valueOf(budgetMicros, RewardSplit.SCALE);
    Map<String, Double> scores = new LinkedHashMap<>();
    for (int i = 0; i < raw.size(); i++) {
      scores.put("p" + i, raw.get(i));
    }
    Map<String, BigDecimal> rewards = new RewardSplit(budget).split(scores);

    assertThat(rewards.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add)).isEqualTo(budget);
    double positive = raw.stream().mapToDouble(s -> Math.max(s, 0)).sum();
    BigDecimal micro = new BigDecimal("0.000001");
    for (int i = 0; i < raw.size(); i++) {
      BigDecimal got = rewards.get("p" + i);
      assertThat(got.signum()).isGreaterThanOrEqualTo(0);
      double share = positive > 0 ? Math.max(raw.get(i), 0) / positive : 1.0 / raw.size();
      BigDecimal exact = budget.multiply(new BigDecimal(share), MathContext.DECIMAL64);
      assertThat(got.subtract(exact).abs()).isLessThanOrEqualTo(micro.add(new BigDecimal("1e-9")));
      if (positive > 0 && raw.get(i) <= 0) {
        assertThat(got.signum()).isZero();
      }
    }
  }
}
