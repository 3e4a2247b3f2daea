package dev.shoal.anchor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class RewardScaleTest {

  @Test
  void oneUnitIsAMillionMicroUnits() {
    assertThat(RewardScale.toMicroUnits(BigDecimal.ONE)).isEqualTo(BigInteger.valueOf(1_000_000));
    assertThat(RewardScale.toMicroUnits(new BigDecimal("2.5"))).isEqualTo(BigInteger.valueOf(2_500_000));
    assertThat(RewardScale.toMicroUnits(new BigDecimal("0.000001"))).isEqualTo(BigInteger.ONE);
    assertThat(RewardScale.toMicroUnits(new BigDecimal("1.2300000"))).isEqualTo(BigInteger.valueOf(1_230_000));
    assertThat(RewardScale.toMicroUnits(BigDecimal.ZERO)).isZero();
  }

  @Test
  void convertsMicroUnitsBackToUnits() {
    assertThat(RewardScale.toUnits(BigInteger.valueOf(3_500_000))).isEqualByComparingTo("3.5");
    assertThat(RewardScale.toUnits(BigInteger.ONE)).isEqualByComparingTo("0.000001");
  }

  @Test
  void refusesAmountsFinerThanAMicroUnit() {
    assertThatThrownBy(() -> RewardScale.toMicroUnits(new BigDecimal("0.0000001")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0.0000001 has more than 6 decimal places");
  }

  @Test
  void refusesNegativeAmounts() {
    assertThatThrownBy(() -> RewardScale.toMicroUnits(new BigDecimal("-1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1 is negative");
  }
}
