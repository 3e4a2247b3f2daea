package dev.shoal.contribution;

import java.util.ArrayList;
import java.util.List;

/**
 * Leave-one-out: score_i = v(N) − v(N \ {i}), what the round loses without participant i. Costs
 * n + 1 evaluations. Cheap and simple, but two participants with the same data each look
 * redundant and both score near 0.
 */
public record LeaveOneOut() implements Valuation {

  @Override
  public Scores score(Utility utility) {
    int before = utility.evaluations();
    double all = utility.ofAll();
    List<Double> values = new ArrayList<>(utility.size());
    for (int i = 0; i < utility.size(); i++) {
      values.add(all - utility.without(i));
    }
    return new Scores(values, utility.evaluations() - before);
  }
}
