package dev.shoal.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.BigRange;
import net.jqwik.api.constraints.Scale;

class RewardScaleProperties {

  @Property
  void unitsWithAtMostSixDecimalsSurviveTheRoundTrip(
      @ForAll @BigRange(min = "0", max = "1000000000000") @Scale(6) BigDecimal units) {
    BigInteger micro = RewardScale.toMicroUnits(units);
    assertThat(RewardScale.toUnits(micro)).isEqualByComparingTo(units);
    assertThat(micro).isEqualTo(units.multiply(BigDecimal.valueOf(RewardScale.MICRO_UNITS_PER_UNIT)).toBigIntegerExact());
  }

  @Property
  void sumsOfMicroUnitsAreSumsOfUnits(
      @ForAll @BigRange(min = "0", max = "1000000") @Scale(6) BigDecimal a,
      @ForAll @BigRange(min = "0", max = "1000000") @Scale(6) BigDecimal b) {
    assertThat(RewardScale.toUnits(RewardScale.toMicroUnits(a).add(RewardScale.toMicroUnits(b))))
        .isEqualByComparingTo(a.add(b));
  }
}
