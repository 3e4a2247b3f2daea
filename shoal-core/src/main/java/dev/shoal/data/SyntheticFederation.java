package dev.shoal.data;

import java.util.Random;

/**
 * Synthetic(α, β) of Li et al., "Federated Optimization in Heterogeneous Networks" (FedProx,
 * MLSys 2020, section 5.1): heterogeneous multinomial logistic-regression data for any number of
 * clients, each client's made on demand from the seed and its index alone.
 *
 * <p>Client k draws u_k ~ N(0, α²) and B_k ~ N(0, β²) (α and β as the standard deviations, as in
 * the paper's generator), its model W_k ~ N(u_k, 1) (10 × 60) and b_k ~ N(u_k, 1), and the mean
 * of its inputs v_k ~ N(B_k, 1) (60 values); each example is x ~ N(v_k, Σ) with Σ diagonal,
 * Σ_jj = j^−1.2, and its label y = argmax(W_k x + b_k) (the argmax of the softmax). α sets how
 * much the clients' models differ, β how much their inputs do. The number of examples is drawn
 * as in the paper's generator: ⌊lognormal(4, 2)⌋ + 50, here capped at {@value #MAX_EXAMPLES} (the
 * paper has 30 clients; among a million, the lognormal's tail would give one client a million
 * examples). The first {@code 1 − testFraction} of a client's examples are its training split,
 * the rest its test split.
 *
 * <p>Draws use {@link Random}, whose algorithms the Java specification fixes, and {@link
 * StrictMath}, so a seed and an index give the same data on every JVM, in any order, at any time.
 */
public final class SyntheticFederation {

  /** Input features per example. */
  public static final int FEATURES = 60;

  /** Classes. */
  public static final int CLASSES = 10;

  /** The most examples a client has. */
  public static final int MAX_EXAMPLES = 100_000;

  /** How many clients' test splits make the coordinator's held-out test set. */
  public static final int HELD_OUT_CLIENTS = 100;

  /** 60 features, 10 classes. */
  public static final Schema SCHEMA = Schema.indexed(Task.CLASSIFICATION, new int[] {FEATURES}, CLASSES);

  private static final double[] STDDEV = new double[FEATURES];

  static {
    for (int j = 0; j < FEATURES; j++) {
      STDDEV[j] = StrictMath.sqrt(StrictMath.pow(j + 1, -1.2));
    }
  }

  private final double alpha;
  private final double beta;
  private final long seed;
  private final double testFraction;

  /**
   * @param alpha how much the clients' models differ (≥ 0)
   * @param beta how much the clients' inputs differ (≥ 0)
   * @param seed the federation's seed
   * @param testFraction the share of each client's examples held out for testing, in (0, 1)
   */
  public SyntheticFederation(double alpha, double beta, long seed, double testFraction) {
    if (!(alpha >= 0) || Double.isInfinite(alpha) || !(beta >= 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException(
          "synthetic data needs alpha and beta >= 0 and finite, got alpha=" + alpha + " beta=" + beta);
    }
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("test fraction must be between 0 and 1 (exclusive), got " + testFraction);
    }
    this.alpha = alpha;
    this.beta = beta;
    this.seed = seed;
    this.testFraction = testFraction;
  }

  /**
   * Parses {@code ALPHA,BETA}, e.g. {@code 1,1} or {@code 0.5,0.5}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static SyntheticFederation parse(String alphaBeta, long seed, double testFraction) {
    String[] parts = alphaBeta.split(",", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("synthetic data is synthetic:ALPHA,BETA (e.g. synthetic:1,1), got synthetic:"
          + alphaBeta);
    }
    double a;
    double b;
    try {
      a = Double.parseDouble(parts[0].strip());
      b = Double.parseDouble(parts[1].strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("synthetic:ALPHA,BETA takes two numbers, got synthetic:" + alphaBeta, e);
    }
    return new SyntheticFederation(a, b, seed, testFraction);
  }

  public double alpha() {
    return alpha;
  }

  public double beta() {
    return beta;
  }

  /** The share of each client's examples held out for testing. */
  public double testFraction() {
    return testFraction;
  }

  /**
   * The coordinator's held-out test set for a federation of {@code registered} clients: the test
   * splits of {@value #HELD_OUT_CLIENTS} of them (all, if fewer), spread evenly over their indices,
   * so it is the same in every round and whichever clients are sampled.
   */
  public Dataset heldOut(int registered) {
    int[] clients = heldOutClients(registered);
    int total = 0;
    Dataset[] splits = new Dataset[clients.length];
    for (int i = 0; i < clients.length; i++) {
      splits[i] = client(clients[i]).test();
      total += splits[i].size();
    }
    float[] features = new float[Math.multiplyExact(total, FEATURES)];
    float[] labels = new float[total];
    int at = 0;
    for (Dataset s : splits) {
      for (int i = 0; i < s.size(); i++, at++) {
        s.copyFeatures(i, features, at * FEATURES);
        labels[at] = s.target(i);
      }
    }
    return new Dataset(SCHEMA, features, labels);
  }

  /** The indices of the clients whose test splits make {@link #heldOut}. */
  public static int[] heldOutClients(int registered) {
    if (registered < 1) {
      throw new IllegalArgumentException("a federation needs at least one client, got " + registered);
    }
    int n = Math.min(registered, HELD_OUT_CLIENTS);
    int[] clients = new int[n];
    for (int i = 0; i < n; i++) {
      clients[i] = (int) ((long) i * registered / n);
    }
    return clients;
  }

  /** How many examples client {@code index} has, both splits together, without making them. */
  public int examples(long index) {
    return examples(random(index));
  }

  /** Client {@code index}'s data: the same every time for the same seed and index. */
  public FederatedData client(long index) {
    Random r = random(index);
    int n = examples(r);
    double u = alpha * r.nextGaussian();
    double bigB = beta * r.nextGaussian();
    double[] w = new double[CLASSES * FEATURES];
    for (int k = 0; k < w.length; k++) {
      w[k] = u + r.nextGaussian();
    }
    double[] b = new double[CLASSES];
    for (int c = 0; c < CLASSES; c++) {
      b[c] = u + r.nextGaussian();
    }
    double[] v = new double[FEATURES];
    for (int j = 0; j < FEATURES; j++) {
      v[j] = bigB + r.nextGaussian();
    }
    float[] features = new float[Math.multiplyExact(n, FEATURES)];
    float[] labels = new float[n];
    double[] x = new double[FEATURES];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < FEATURES; j++) {
        x[j] = v[j] + STDDEV[j] * r.nextGaussian();
        features[i * FEATURES + j] = (float) x[j];
      }
      labels[i] = argmax(w, b, x);
    }
    int test = Math.max(1, (int) Math.round(n * testFraction));
    int train = n - test;
    Dataset all = new Dataset(SCHEMA, features, labels);
    return new FederatedData(all.subset(range(0, train)), all.subset(range(train, n)));
  }

  /** {@code y = argmax(W x + b)}, computed on the float inputs a model sees. */
  private static int argmax(double[] w, double[] b, double[] x) {
    int best = 0;
    double top = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < CLASSES; c++) {
      double z = b[c];
      for (int j = 0; j < FEATURES; j++) {
        z += w[c * FEATURES + j] * (float) x[j];
      }
      if (z > top) {
        top = z;
        best = c;
      }
    }
    return best;
  }

  private static int examples(Random r) {
    double drawn = StrictMath.exp(4 + 2 * r.nextGaussian());
    return (int) Math.min(MAX_EXAMPLES, StrictMath.floor(drawn) + 50);
  }

  private Random random(long index) {
    if (index < 0) {
      throw new IllegalArgumentException("client index must be >= 0, got " + index);
    }
    return new Random(mix(mix(seed) ^ mix(index + 0x9E3779B97F4A7C15L)));
  }

  private static int[] range(int from, int to) {
    int[] r = new int[to - from];
    for (int i = 0; i < r.length; i++) {
      r[i] = from + i;
    }
    return r;
  }

  /** SplitMix64's finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** For logs and the console, e.g. {@code Synthetic(1.0, 1.0)}. */
  @Override
  public String toString() {
    return "Synthetic(" + alpha + ", " + beta + ")";
  }
}
