package dev.shoal.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reference values from the tests of Opacus ({@code opacus/tests/accountants_test.py}) and
 * TF-Privacy ({@code tensorflow_privacy/privacy/analysis/rdp_accountant_test.py}, now in Google's
 * dp_accounting).
 */
class RdpAccountantTest {

  private static final double INF = Double.POSITIVE_INFINITY;

  /** Opacus, test_rdp_accountant: 2250 steps at q = 0.04, σ = 1.5, δ = 1e-5, default orders. */
  @Test
  void opacusEpsilon() {
    RdpAccountant accountant = new RdpAccountant();
    for (int t = 0; t < 2250; t++) {
      accountant.step(0.04, 1.5);
    }
    PrivacySpent spent = accountant.epsilon(1e-5);
    assertThat(spent.epsilon()).isCloseTo(7.32911117143, within(1e-9));
    assertThat(spent.order()).isEqualTo(3.9);
    // Same in one call; the classic conversion is looser.
    PrivacySpent classic = new RdpAccountant().steps(0.04, 1.5, 2250).epsilon(1e-5, Conversion.CLASSIC);
    assertThat(classic.epsilon()).isCloseTo(8.073848, within(1e-6)).isGreaterThan(spent.epsilon());
    assertThat(classic.order()).isEqualTo(4.1);
  }

  @Test
  void defaultOrdersAreOpacus() {
    double[] orders = RdpAccountant.defaultOrders();
    assertThat(orders).hasSize(151);
    assertThat(orders[0]).isEqualTo(1.1);
    assertThat(orders[98]).isEqualTo(10.9);
    assertThat(orders[99]).isEqualTo(12);
    assertThat(orders[150]).isEqualTo(63);
  }

  /** TF-Privacy, test_compute_rdp_no_data and test_compute_rdp_no_sampling. */
  @Test
  void noDataAndNoSampling() {
    assertThat(RdpAccountant.computeRdp(0, 10, 1, 20)).containsExactly(0);
    assertThat(RdpAccountant.computeRdp(1, 10, 1, 20)).containsExactly(0.1);
    assertThat(RdpAccountant.computeRdp(0.5, 0, 1, 20)).containsExactly(INF);
  }

  /** TF-Privacy, test_compute_rdp_scalar. */
  @Test
  void scalar() {
    assertThat(RdpAccountant.computeRdp(0.1, 2, 10, 5)[0]).isCloseTo(0.07737, within(1e-5));
  }

  /** TF-Privacy, test_compute_rdp_sequence (fractional, integer and infinite orders). */
  @Test
  void sequence() {
    double[] rdp = RdpAccountant.computeRdp(0.01, 2.5, 50, 1.5, 2.5, 5, 50, 100, INF);
    double[] expected = {0.00065, 0.001085, 0.00218075, 0.023846, 167.416307, INF};
    for (int k = 0; k < 5; k++) {
      assertThat(rdp[k]).isCloseTo(expected[k], within(1e-5));
    }
    assertThat(rdp[5]).isEqualTo(INF);
  }

  /**
   * TF-Privacy, test_compute_log_a_equals_mp: log(A_α) at extreme parameters, where the test
   * checks TF-Privacy's values against multi-precision integration to rtol 1e-4; expected values
   * are TF-Privacy's {@code _compute_log_a} evaluated with SciPy.
   */
  @ParameterizedTest
  @CsvSource({
    "1e-7,  0.1, 1.01,  4.0034136248533155e-08",
    "1e-6,  0.1, 256,   3260463.2292971606",
    "1e-5,  0.1, 256.1, 3263607.039788421",
    "1e-6,  1,   27,    8.769503540992927e-10",
    "1e-4,  1,   1.5,   6.442687330162231e-09",
    "1e-3,  1,   2,     1.7182803522123342e-06",
    "0.01,  10,  20,    0.00019129699912828936",
    "0.1,   100, 20.5,  0.00019991818458097035",
    "0.99,  0.1, 256,   3263997.427114021",
    "0.999, 100, 256.1, 3.260108037973113",
  })
  void logAAtExtremes(double q, double sigma, double order, double expected) {
    assertThat(RdpAccountant.logA(q, sigma, order)).isCloseTo(expected, within(1e-6 * Math.abs(expected)));
  }

  /**
   * TF-Privacy, test_check_composition: two kinds of steps add up; 8.509656 at order 2.5 is the
   * value it asserted with the classic conversion, and the Balle et al. one must not exceed it.
   */
  @Test
  void composition() {
    double[] orders = {1.25, 1.5, 1.75, 2, 2.5, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32, 64, 256};
    RdpAccountant accountant = new RdpAccountant(orders).steps(1e-4, 0.4, 40_000).steps(0.1, 2, 100);
    PrivacySpent classic = accountant.epsilon(1e-5, Conversion.CLASSIC);
    assertThat(classic.epsilon()).isCloseTo(8.509656, within(1e-6));
    assertThat(classic.order()).isEqualTo(2.5);
    assertThat(accountant.epsilon(1e-5).epsilon()).isLessThanOrEqualTo(8.509656);

    double[] sum = RdpAccountant.computeRdp(1e-4, 0.4, 40_000, orders);
    double[] more = RdpAccountant.computeRdp(0.1, 2, 100, orders);
    double[] total = accountant.rdp();
    for (int k = 0; k < orders.length; k++) {
      assertThat(total[k]).isCloseTo(sum[k] + more[k], within(1e-12 * total[k]));
    }
  }

  /** TF-Privacy, test_get_privacy_spent_check_target_eps: constant RDP picks the largest order. */
  @Test
  void constantRdpPicksLargestOrder() {
    double[] orders = IntStream.rangeClosed(2, 32).asDoubleStream().toArray();
    double[] rdp = new double[orders.length];
    Arrays.fill(rdp, 1.1);
    PrivacySpent spent = RdpAccountant.privacySpent(orders, rdp, 1e-5, Conversion.BALLE);
    assertThat(spent.epsilon()).isCloseTo(1.32783806176, within(1e-10));
    assertThat(spent.order()).isEqualTo(32);
  }

  @Test
  void refusesBadInputNamingTheBound() {
    assertThatThrownBy(() -> RdpAccountant.computeRdp(1.5, 1, 1, 2)).hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> RdpAccountant.computeRdp(-0.1, 1, 1, 2)).hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> RdpAccountant.computeRdp(0.1, -1, 1, 2)).hasMessageContaining("≥ 0");
    assertThatThrownBy(() -> RdpAccountant.computeRdp(0.1, 1, -1, 2)).hasMessageContaining("steps must be ≥ 0");
    assertThatThrownBy(() -> RdpAccountant.computeRdp(0.1, 1, 1, 1)).hasMessageContaining("> 1");
    assertThatThrownBy(() -> new RdpAccountant(new double[] {0.5})).hasMessageContaining("> 1");
    RdpAccountant accountant = new RdpAccountant().step(0.01, 1);
    assertThatThrownBy(() -> accountant.epsilon(0)).hasMessageContaining("(0, 1)");
    assertThatThrownBy(() -> accountant.epsilon(1)).hasMessageContaining("(0, 1)");
    assertThatThrownBy(() -> accountant.step(2, 1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void noStepsNoPrivacyLossAndNoNoiseNoPrivacy() {
    assertThat(new RdpAccountant().epsilon(1e-5).epsilon()).isGreaterThanOrEqualTo(0).isLessThan(1);
    assertThat(new RdpAccountant().steps(0.5, 0, 0).rdp()).containsOnly(0.0);
    PrivacySpent none = new RdpAccountant().step(0.5, 0).epsilon(1e-5);
    assertThat(none.epsilon()).isEqualTo(INF);
    assertThat(none.order()).isNaN();
  }
}
