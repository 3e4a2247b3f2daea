package dev.shoal.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticFederationTest {

  private final SyntheticFederation federation = new SyntheticFederation(1, 1, 42, 0.2);

  @Test
  void aClientsDataDependsOnlyOnTheSeedAndItsIndex() {
    FederatedData seven = federation.client(7);
    federation.client(3);
    FederatedData again = new SyntheticFederation(1, 1, 42, 0.2).client(7);
    assertThat(again.train().features()).isEqualTo(seven.train().features());
    assertThat(again.train().targets()).isEqualTo(seven.train().targets());
    assertThat(again.test().features()).isEqualTo(seven.test().features());
    assertThat(federation.client(7).test().targets()).isEqualTo(seven.test().targets());
    assertThat(federation.client(8).train().features()).isNotEqualTo(seven.train().features());
    assertThat(new SyntheticFederation(1, 1, 43, 0.2).client(7).train().features())
        .isNotEqualTo(seven.train().features());
    assertThat(federation.client(1_999_999).train().size()).isEqualTo(
        new SyntheticFederation(1, 1, 42, 0.2).client(1_999_999).train().size());
  }

  @Test
  void examplesFollowTheLognormalPlusFiftyAndSplitEightyTwenty() {
    int clients = 4000;
    int[] n = new int[clients];
    for (int k = 0; k < clients; k++) {
      n[k] = federation.examples(k);
    }
    assertThat(Arrays.stream(n).min().getAsInt()).isGreaterThanOrEqualTo(50);
    assertThat(Arrays.stream(n).max().getAsInt()).isLessThanOrEqualTo(SyntheticFederation.MAX_EXAMPLES);
    Arrays.sort(n);
    // the median of floor(exp(4 + 2Z)) + 50 is floor(e^4) + 50 = 104; the 84th percentile floor(e^6) + 50 = 453
    assertThat(n[clients / 2]).isBetween(95, 115);
    assertThat(n[(int) (clients * 0.8413)]).isBetween(380, 540);
    for (int k = 0; k < 20; k++) {
      FederatedData d = federation.client(k);
      int total = d.train().size() + d.test().size();
      assertThat(total).isEqualTo(federation.examples(k));
      assertThat(d.test().size()).isEqualTo(Math.round(total * 0.2f));
      assertThat(d.schema()).isEqualTo(SyntheticFederation.SCHEMA);
    }
  }

  @Test
  void featuresVaryWithinAClientAsSigmaSays() {
    double[] sum = new double[SyntheticFederation.FEATURES];
    int clients = 80;
    for (int k = 0; k < clients; k++) {
      Dataset d = federation.client(k).train();
      for (int j = 0; j < SyntheticFederation.FEATURES; j++) {
        double mean = 0;
        for (int i = 0; i < d.size(); i++) {
          mean += d.feature(i, j);
        }
        mean /= d.size();
        double var = 0;
        for (int i = 0; i < d.size(); i++) {
          var += (d.feature(i, j) - mean) * (d.feature(i, j) - mean);
        }
        sum[j] += var / (d.size() - 1);
      }
    }
    for (int j : new int[] {0, 1, 9, 59}) {
      double expected = Math.pow(j + 1, -1.2);
      assertThat(sum[j] / clients).as("variance of feature %d", j).isCloseTo(expected, org.assertj.core.data.Percentage.withPercentage(10));
    }
  }

  @Test
  void betaSpreadsTheClientsInputsAndAlphaTheirLabels() {
    assertThat(spreadOfFirstFeatureMeans(new SyntheticFederation(0, 0, 5, 0.2))).isBetween(0.8, 1.2);
    // sd of v_k1 is sqrt(beta^2 + 1)
    assertThat(spreadOfFirstFeatureMeans(new SyntheticFederation(0, 5, 5, 0.2))).isBetween(4.2, 6.1);
    // every class occurs across the federation, but clients are skewed towards few of them
    Set<Integer> classes = new HashSet<>();
    double majority = 0;
    for (int k = 0; k < 100; k++) {
      Dataset d = federation.client(k).train();
      int[] count = new int[SyntheticFederation.CLASSES];
      for (int i = 0; i < d.size(); i++) {
        classes.add(d.label(i));
        count[d.label(i)]++;
      }
      majority += (double) Arrays.stream(count).max().getAsInt() / d.size();
    }
    assertThat(classes).hasSize(SyntheticFederation.CLASSES);
    assertThat(majority / 100).isGreaterThan(0.3);
  }

  private static double spreadOfFirstFeatureMeans(SyntheticFederation f) {
    int clients = 200;
    double[] means = new double[clients];
    for (int k = 0; k < clients; k++) {
      Dataset d = f.client(k).train();
      for (int i = 0; i < d.size(); i++) {
        means[k] += d.feature(i, 0);
      }
      means[k] /= d.size();
    }
    double m = Arrays.stream(means).average().orElseThrow();
    return Math.sqrt(Arrays.stream(means).map(x -> (x - m) * (x - m)).sum() / (clients - 1));
  }

  @Test
  void parsesAlphaCommaBetaAndNamesWhatIsWrong() {
    SyntheticFederation f = SyntheticFederation.parse("0.5,1", 1, 0.2);
    assertThat(f.alpha()).isEqualTo(0.5);
    assertThat(f.beta()).isEqualTo(1.0);
    assertThatThrownBy(() -> SyntheticFederation.parse("1", 1, 0.2))
        .hasMessageContaining("synthetic:ALPHA,BETA").hasMessageContaining("synthetic:1");
    assertThatThrownBy(() -> SyntheticFederation.parse("a,1", 1, 0.2)).hasMessageContaining("two numbers");
    assertThatThrownBy(() -> SyntheticFederation.parse("-1,1", 1, 0.2)).hasMessageContaining("alpha and beta >= 0");
    assertThatThrownBy(() -> federation.client(-1)).hasMessageContaining(">= 0");
  }
}
