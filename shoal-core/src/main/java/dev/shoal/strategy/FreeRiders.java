package dev.shoal.strategy;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Free riders send back a model they did not train (the global model unchanged, or nearly) to be
 * counted in a round without contributing; with an inflated example count this is the attack
 * that holds FedAvg at its starting point. A robust rule ignores the count but still sees an
 * update that looks like an honest client whose data move the model little, and nearest-neighbour
 * mixing even prefers it: on non-IID data two honest updates are further apart than either is from
 * the unchanged model.
 *
 * <p>With {@code min-change=ρ}, an update whose change ‖xᵢ − x‖ is below ρ times the median change
 * of the round's updates is set aside before the rule and counted as one of its f Byzantine
 * updates. This assumes every honest client moves the model by at least that much; at most
 * ⌈n/2⌉ − 1 updates can be set aside, since at least half are at or above the median.
 */
final class FreeRiders {

  private FreeRiders() {}

  /** Reads {@code min-change}, in [0, 1); 0, the default, sets nothing aside. */
  static double ratio(StrategyParameters parameters) {
    double rho = parameters.number("min-change", 0);
    if (!(rho >= 0 && rho < 1)) {
      throw parameters.refuse("min-change must be in [0, 1) (a fraction of the round's median change), got min-change="
          + rho);
    }
    return rho;
  }

  /** The indices, ascending, of the updates whose change is at least {@code ratio} × the median change. */
  static int[] kept(double[] squaredChanges, double ratio) {
    double[] norms = Arrays.stream(squaredChanges).map(Math::sqrt).toArray();
    double[] sorted = norms.clone();
    Arrays.sort(sorted);
    double floor = ratio * CoordinateRule.median(sorted);
    return IntStream.range(0, norms.length).filter(i -> !(norms[i] < floor)).toArray();
  }
}
