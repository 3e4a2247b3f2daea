package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** `shoal privacy epsilon` through the command line, in-process. */
class PrivacyCommandTest extends InProcessCommandTest {

  private int epsilon(String q, String z, String t, String delta, String... more) {
    String[] base = {"privacy", "epsilon", "--sampling-rate", q, "--noise-multiplier", z, "--steps", t, "--delta", delta};
    String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return shoal(args);
  }

  @Test
  void opacusReferenceBothConversions() {
    // Opacus' test_rdp_accountant: 7.32911117143 at δ = 1e-5.
    assertThat(epsilon("0.04", "1.5", "2250", "1e-5")).isZero();
    assertThat(out.toString()).contains("epsilon 7.329111  delta 0.00001  order 3.9", "balle conversion");
    assertThat(epsilon("0.04", "1.5", "2250", "1e-5", "--conversion", "classic")).isZero();
    assertThat(out.toString()).contains("epsilon 8.073848", "order 4.1", "classic conversion");
  }

  @Test
  void noNoiseIsNoPrivacy() {
    assertThat(epsilon("0.1", "0", "1", "1e-5")).isZero();
    assertThat(out.toString()).contains("epsilon inf", "order none");
  }

  @Test
  void badValuesNameTheirBound() {
    assertThat(epsilon("1.5", "1", "10", "1e-5")).isEqualTo(1);
    assertThat(err.toString()).contains("--sampling-rate must be in [0, 1], got 1.5").doesNotContain("Exception");
    assertThat(epsilon("0.1", "-1", "10", "1e-5")).isEqualTo(1);
    assertThat(err.toString()).contains("--noise-multiplier must be ≥ 0");
    assertThat(epsilon("0.1", "1", "-3", "1e-5")).isEqualTo(1);
    assertThat(err.toString()).contains("--steps must be ≥ 0, got -3");
    assertThat(epsilon("0.1", "1", "10", "1")).isEqualTo(1);
    assertThat(err.toString()).contains("--delta must be in (0, 1), got 1.0");
  }

  @Test
  void badUsageExits2() {
    assertThat(epsilon("0.1", "1", "10", "1e-5", "--conversion", "zcdp")).isEqualTo(2);
    assertThat(err.toString()).contains("expected balle or classic");
    assertThat(shoal("privacy", "epsilon", "--sampling-rate", "0.1")).isEqualTo(2);
    assertThat(shoal("privacy", "epsilon", "--help")).isZero();
    assertThat(out.toString()).contains("--noise-multiplier", "--conversion");
  }
}
