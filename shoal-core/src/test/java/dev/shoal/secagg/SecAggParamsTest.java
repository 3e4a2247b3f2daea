package dev.shoal.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecAggParamsTest {

  @ParameterizedTest
  @ValueSource(ints = {3, 4, 5, 7, 10, 20, 33, 100, 1000})
  void defaultsPassTheirOwnCheck(int n) {
    defaultsPassTheirOwnCheckFor(n);
  }

  /** The same for large federations: building their neighbour graphs takes most of a minute. */
  @Tag("slow")
  @ParameterizedTest
  @ValueSource(ints = {10_000, 100_000})
  void defaultsPassTheirOwnCheckInLargeFederations(int n) {
    defaultsPassTheirOwnCheckFor(n);
  }

  private static void defaultsPassTheirOwnCheckFor(int n) {
    SecAggParams p = SecAggParams.defaults(n);
    p.check(n);
    assertThat(p.bits()).isEqualTo(32);
    assertThat(p.clip()).isEqualTo(8.0);
    assertThat(2 * p.threshold()).isGreaterThan(p.degree());
    assertThat((long) n * p.levels()).isLessThanOrEqualTo(Integer.MAX_VALUE);
    assertThat((long) n * (p.levels() + 1)).isGreaterThan(Integer.MAX_VALUE);
    NeighbourGraph.random(java.util.stream.IntStream.range(0, n).mapToObj(i -> "n" + i).toList(), p.degree(),
        new java.security.SecureRandom());
  }

  @Test
  void defaultDegreeGrowsLikeTheLogarithm() {
    assertThat(SecAggParams.defaults(3).degree()).isEqualTo(2);
    assertThat(SecAggParams.defaults(4).degree()).isEqualTo(3);
    assertThat(SecAggParams.defaults(10).degree()).isEqualTo(9);
    assertThat(SecAggParams.defaults(20).degree()).isEqualTo(12);
    assertThat(SecAggParams.defaults(100).degree()).isEqualTo(16);
    assertThat(SecAggParams.defaults(1000).degree()).isEqualTo(22);
    assertThat(SecAggParams.defaults(100).threshold()).isEqualTo(9);
    assertThat(SecAggParams.defaults(100).toleratedDropoutsPerNeighbourhood()).isEqualTo(7);
  }

  @Test
  void fewerThanThreeParticipantsAreRefused() {
    assertThatThrownBy(() -> SecAggParams.defaults(2)).hasMessageContaining("at least 3 participants").hasMessageEndingWith("got 2");
    assertThatThrownBy(() -> new SecAggParams(32, 1, 10, 2, 2).check(2))
        .hasMessageContaining("at least 3 participants").hasMessageEndingWith("got 2");
  }

  @Test
  void thresholdMustBeMoreThanHalfTheDegree() {
    assertThatThrownBy(() -> new SecAggParams(32, 1, 10, 12, 6).check(20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threshold = 6 must be more than degree / 2 = 6.0")
        .hasMessageContaining("collects both its self-mask seed and its masking key");
    new SecAggParams(32, 1, 10, 12, 7).check(20);
  }

  @Test
  void thresholdMustNotExceedTheDegree() {
    assertThatThrownBy(() -> new SecAggParams(32, 1, 10, 12, 13).check(20))
        .hasMessageContaining("threshold = 13 exceeds degree = 12")
        .hasMessageContaining("could never be collected");
  }

  @Test
  void degreeMustNotExceedParticipantsMinusOne() {
    assertThatThrownBy(() -> new SecAggParams(32, 1, 10, 20, 11).check(20))
        .hasMessageContaining("degree = 20 exceeds participants - 1 = 19");
  }

  @Test
  void degreeMustBeAtLeastTwo() {
    assertThatThrownBy(() -> new SecAggParams(32, 1, 10, 1, 1).check(4))
        .hasMessageContaining("degree must be at least 2, got 1")
        .hasMessageContaining("the sum of every pair");
  }

  @Test
  void anOddDegreeNeedsAnEvenNumberOfParticipants() {
    assertThatThrownBy(() -> new SecAggParams(32, 1, 10, 5, 3).check(21))
        .hasMessageContaining("degree = 5 is odd and participants = 21 is odd")
        .hasMessageContaining("n*k must be even");
    new SecAggParams(32, 1, 10, 5, 3).check(20);
  }

  @Test
  void theSumOfAllInputsMustNotWrapAround() {
    assertThatThrownBy(() -> new SecAggParams(16, 1, 2000, 4, 3).check(20))
        .hasMessageStartingWith("quantizer: a sum of 20 quantized values")
        .hasMessageContaining("n*levels = 20*2000 = 40000, which must be at most 2^(k-1) - 1 = 32767");
    new SecAggParams(16, 1, 1638, 4, 3).check(20);
  }

  @Test
  void fieldsAreCheckedOneByOne() {
    assertThatThrownBy(() -> new SecAggParams(33, 1, 1, 2, 2)).hasMessageContaining("bits must be in 1..32");
    assertThatThrownBy(() -> new SecAggParams(32, 0, 1, 2, 2)).hasMessageContaining("clipping bound must be positive");
    assertThatThrownBy(() -> new SecAggParams(32, Double.NaN, 1, 2, 2)).hasMessageContaining("clipping bound");
    assertThatThrownBy(() -> new SecAggParams(32, 1, 0, 2, 2)).hasMessageContaining("levels must be at least 1");
    assertThatThrownBy(() -> new SecAggParams(32, 1, 1, 0, 2)).hasMessageContaining("degree must be at least 1");
    assertThatThrownBy(() -> new SecAggParams(32, 1, 1, 2, 0)).hasMessageContaining("threshold must be at least 1");
  }
}
