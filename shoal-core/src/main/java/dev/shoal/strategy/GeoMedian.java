package dev.shoal.strategy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The geometric median of the returned models (Pillutla, Kakade and Harchaoui, "Robust Aggregation
 * for Federated Learning", 2022), the point minimising the sum of Euclidean distances to them,
 * found with Weiszfeld's iteration smoothed by ν: from the mean, z ← Σ βᵢ·xᵢ / Σ βᵢ with βᵢ =
 * 1 / max(ν, ‖z − xᵢ‖), until the sum of distances improves by less than {@code tolerance} of itself
 * or after {@code iterations} steps. Unweighted; its breakdown point is one half. Each step reads
 * every update once, one tensor at a time, and holds one model-sized estimate.
 */
public final class GeoMedian extends RobustStrategy {

  public static final int DEFAULT_ITERATIONS = 100;
  public static final double DEFAULT_TOLERANCE = 1e-6;
  public static final double DEFAULT_NU = 1e-6;

  private final int iterations;
  private final double tolerance;
  private final double nu;

  GeoMedian(StrategyContext context, StrategyParameters parameters, int iterations, double tolerance, double nu) {
    super(context, parameters);
    this.iterations = iterations;
    this.tolerance = tolerance;
    this.nu = nu;
  }

  @Override
  public String name() {
    return "geomedian";
  }

  @Override
  protected Optional<String> violated(int n) {
    return Optional.empty();
  }

  @Override
  protected ParameterSet aggregate(HeldUpdates updates, int setAside, ParameterSet global,
      Map<String, String> metadata) {
    int n = updates.size();
    double[] weights = new double[n];
    java.util.Arrays.fill(weights, 1.0);
    double[] distances = new double[n];
    float[][] z = step(updates, weights, distances);
    double objective = sum(distances);
    for (int it = 0; it < iterations; it++) {
      for (int i = 0; i < n; i++) {
        weights[i] = 1 / Math.max(nu, distances[i]);
      }
      float[][] next = step(updates, weights, distances);
      double improved = sum(distances);
      z = next;
      boolean converged = objective - improved <= tolerance * improved;
      objective = improved;
      if (converged) {
        break;
      }
    }
    List<Tensor> out = new ArrayList<>();
    List<String> names = updates.names();
    for (int t = 0; t < names.size(); t++) {
      out.add(new Tensor(names.get(t), global.read(names.get(t)).shape().clone(), z[t]));
    }
    return new ParameterSet(out, metadata);
  }

  /**
   * Σ wᵢ·xᵢ / Σ wᵢ, tensor by tensor, and each update's distance to it written into {@code distances}.
   * Each coordinate's sum is taken in double precision.
   */
  private static float[][] step(HeldUpdates updates, double[] weights, double[] distances) {
    List<String> names = updates.names();
    float[][] z = new float[names.size()][];
    double total = sum(weights);
    double[] squared = new double[distances.length];
    for (int t = 0; t < z.length; t++) {
      float[][] rows = updates.across(names.get(t));
      float[] zt = new float[rows[0].length];
      for (int k = 0; k < zt.length; k++) {
        double s = 0;
        for (int i = 0; i < rows.length; i++) {
          s += weights[i] * rows[i][k];
        }
        zt[k] = (float) (s / total);
        for (int i = 0; i < rows.length; i++) {
          double diff = (double) rows[i][k] - zt[k];
          squared[i] += diff * diff;
        }
      }
      z[t] = zt;
    }
    for (int i = 0; i < distances.length; i++) {
      distances[i] = Math.sqrt(squared[i]);
    }
    return z;
  }

  private static double sum(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s;
  }

  /** Registers {@code geomedian} with parameters {@code iterations}, {@code tolerance} and {@code nu}. */
  public static final class Factory implements StrategyFactory {
    @Override
    public String name() {
      return "geomedian";
    }

    @Override
    public String summary() {
      return "geometric median by smoothed Weiszfeld iterations (Pillutla et al. 2022); robust, not under secure aggregation";
    }

    @Override
    public Strategy create(StrategyContext context, StrategyParameters parameters) {
      long iterations = parameters.integer("iterations", DEFAULT_ITERATIONS);
      if (iterations < 0 || iterations > 100_000) {
        throw parameters.refuse("Weiszfeld needs 0 <= iterations <= 100000, got iterations=" + iterations);
      }
      double tolerance = parameters.number("tolerance", DEFAULT_TOLERANCE);
      if (!(tolerance >= 0)) {
        throw parameters.refuse("Weiszfeld needs tolerance >= 0, got tolerance=" + tolerance);
      }
      double nu = parameters.number("nu", DEFAULT_NU);
      if (!(nu > 0)) {
        throw parameters.refuse("smoothed Weiszfeld needs nu > 0, got nu=" + nu);
      }
      return new GeoMedian(context, parameters, (int) iterations, tolerance, nu);
    }
  }
}
