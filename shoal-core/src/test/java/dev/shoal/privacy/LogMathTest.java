package dev.shoal.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LogMathTest {

  /** Reference values from mpmath at 30 digits ({@code mpmath.erfc}, {@code mpmath.log}). */
  @ParameterizedTest
  @CsvSource({
    "-3,      0.69313613525044681032",
    "-0.5,    0.41903914777555958036",
    "0,       0.0",
    "0.001,  -0.0011290158896213548262",
    "0.5,    -0.73501112983708440303",
    "1,      -1.8496055099332482486",
    "1.4999, -3.384141218397752249",
    "1.5,    -3.3844920895515527203",
    "2,      -5.3649412646166375745",
    "2.4999, -7.8062800140910910672",
    "2.5,    -7.8068152727272643589",
    "3,      -10.720363041981112568",
    "5,      -27.200889545537434422",
    "10,     -102.87988902484488857",
    "26,     -679.83119976319423026",
    "30,     -903.97411711064387808",
    "100,    -10005.177585122664333",
    "1e5,    -10000000012.085290408",
  })
  void logErfcMatchesMultiPrecision(double x, double expected) {
    double got = LogMath.logErfc(x);
    assertThat(got).isCloseTo(expected, within(1e-14 * Math.max(1, Math.abs(expected))));
  }

  @Test
  void erfcAtKnownPoints() {
    // Abramowitz and Stegun, table 7.1: erfc(1) and erfc(2).
    assertThat(LogMath.erfc(1)).isCloseTo(0.15729920705028513, within(1e-15));
    assertThat(LogMath.erfc(2)).isCloseTo(0.004677734981047266, within(1e-16));
    assertThat(LogMath.erfc(-1)).isCloseTo(1.8427007929497149, within(1e-15));
    assertThat(LogMath.logErfc(Double.POSITIVE_INFINITY)).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(LogMath.logErfc(Double.NEGATIVE_INFINITY)).isCloseTo(Math.log(2), within(1e-15));
  }

  @Test
  void logAddAndSub() {
    double inf = Double.NEGATIVE_INFINITY;
    assertThat(LogMath.logAdd(Math.log(2), Math.log(3))).isCloseTo(Math.log(5), within(1e-15));
    assertThat(LogMath.logAdd(inf, 1.5)).isEqualTo(1.5);
    assertThat(LogMath.logAdd(1000, 1000)).isCloseTo(1000 + Math.log(2), within(1e-12));
    assertThat(LogMath.logSub(Math.log(5), Math.log(3))).isCloseTo(Math.log(2), within(1e-15));
    assertThat(LogMath.logSub(1.5, inf)).isEqualTo(1.5);
    assertThat(LogMath.logSub(1.5, 1.5)).isEqualTo(inf);
    assertThat(LogMath.logSub(1000, 0)).isEqualTo(1000);
    assertThatThrownBy(() -> LogMath.logSub(1, 2)).isInstanceOf(ArithmeticException.class);
  }
}
