package dev.shoal.secagg;

/**
 * Parameters of a secure aggregation round (SecAgg+, Bell et al. 2020, on the SecAgg protocol of
 * Bonawitz et al. 2017).
 *
 * <p>The constructor checks each field on its own; {@link #check(int)} checks the relations that
 * the security and dropout guarantees need for a number of participants, and the protocol runs
 * it before anything is sent.
 *
 * @param bits k, inputs and masks live in Z<sub>2<sup>k</sup></sub>, 1 ≤ k ≤ 32
 * @param clip the quantizer's clipping bound: every input value is clipped to [−clip, clip]
 * @param levels quantization levels on each side of zero; the step is clip / levels
 * @param degree k of the neighbour graph: each client masks with, and shares its secrets among,
 *     this many neighbours; participants − 1 is the original, complete-graph SecAgg
 * @param threshold t of the Shamir sharing: any t neighbours' shares rebuild a client's secret
 */
public record SecAggParams(int bits, double clip, int levels, int degree, int threshold) {

  /** The default modulus exponent: values are 32-bit words. */
  public static final int DEFAULT_BITS = 32;

  /**
   * The default clipping bound, 8. Inputs are model updates (differences from the global model)
   * whose coordinates are rarely above 1 in magnitude, so 8 clips almost nothing; with 32 bits the
   * step stays fine: 8 / ⌊(2^31 − 1) / n⌋ is 3.7·10⁻⁷ for 100 participants and 3.7·10⁻⁶ for
   * 1000, at or below the float32 resolution of a weight near 1 to 8.
   */
  public static final double DEFAULT_CLIP = 8.0;

  public SecAggParams {
    if (bits < 1 || bits > 32) {
      throw new IllegalArgumentException("bits must be in 1..32 (the modulus is 2^bits), got " + bits);
    }
    if (!(clip > 0) || !Double.isFinite(clip)) {
      throw new IllegalArgumentException("the clipping bound must be positive and finite, got " + clip);
    }
    if (levels < 1) {
      throw new IllegalArgumentException("levels must be at least 1, got " + levels);
    }
    if (degree < 1) {
      throw new IllegalArgumentException("degree must be at least 1, got " + degree);
    }
    if (threshold < 1) {
      throw new IllegalArgumentException("threshold must be at least 1, got " + threshold);
    }
  }

  /**
   * Defaults for {@code participants} clients (at least 3).
   *
   * <ul>
   *   <li>{@code degree} = 2·⌈log₂ n⌉ + 2, or n − 1 (the complete graph) when that is not smaller.
   *       Bell et al. show that a random graph of degree O(log n) keeps the guarantees of the
   *       complete graph: what matters is that the surviving clients stay connected, so the
   *       coordinator cannot split them into groups whose sums it learns. The graph here is a
   *       circulant over a random order ({@link NeighbourGraph}), which is degree-connected: it
   *       takes at least {@code degree} removed clients to cut it. The constant is for the
   *       semi-honest coordinator without colluding clients; against clients colluding with the
   *       coordinator Bell et al. need larger degrees, which can be set explicitly. The value is
   *       even, as the graph needs when n is odd: 12 for 20 clients, 16 for 100, 22 for 1000.
   *   <li>{@code threshold} = ⌊degree / 2⌋ + 1, the smallest that {@link #check} allows: it
   *       tolerates the most dropouts, {@code degree − threshold} per neighbourhood (7 of 16
   *       neighbours for 100 clients).
   *   <li>{@code bits} = 32, {@code clip} = {@link #DEFAULT_CLIP}, {@code levels} = ⌊(2^31 − 1) /
   *       n⌋, the most for which a sum of n quantized inputs cannot wrap around.
   * </ul>
   */
  public static SecAggParams defaults(int participants) {
    if (participants < 3) {
      throw new IllegalArgumentException(
          "secure aggregation needs at least 3 participants (each client needs at least 2 neighbours), got "
              + participants);
    }
    int degree = defaultDegree(participants);
    int levels = (int) (((1L << (DEFAULT_BITS - 1)) - 1) / participants);
    return new SecAggParams(DEFAULT_BITS, DEFAULT_CLIP, levels, degree, degree / 2 + 1);
  }

  static int defaultDegree(int participants) {
    int ceilLog2 = 32 - Integer.numberOfLeadingZeros(participants - 1);
    int k = 2 * ceilLog2 + 2;
    return Math.min(k, participants - 1);
  }

  /**
   * How many of a client's {@code degree} neighbours may drop out, over all stages together,
   * while the round still completes: {@code degree − threshold}. A client whose masks must be
   * removed at the end (one that uploaded, or one that dropped after sharing its secrets with a
   * neighbour that uploaded) needs {@code threshold} of its neighbours to reveal shares, so it
   * must keep at least that many. One more dropout in such a neighbourhood after the masked
   * uploads aborts the round; before the uploads it only excludes that client from the round.
   */
  public int toleratedDropoutsPerNeighbourhood() {
    return degree - threshold;
  }

  /** The quantizer for sums of up to {@code participants} inputs. */
  Quantizer quantizer(int participants) {
    return new Quantizer(clip, levels, bits, participants);
  }

  /**
   * Refuses parameters that break the security or the dropout guarantee for {@code participants}
   * clients, saying which bound and why.
   *
   * @throws IllegalArgumentException naming the broken bound
   */
  public void check(int participants) {
    if (participants < 3) {
      throw new IllegalArgumentException(
          "secure aggregation needs at least 3 participants (each client needs at least 2 neighbours), got "
              + participants);
    }
    if (degree > participants - 1) {
      throw new IllegalArgumentException(
          ("degree = %d exceeds participants - 1 = %d: a client has at most participants - 1 neighbours; "
                  + "degree = participants - 1 is the complete graph").formatted(degree, participants - 1));
    }
    if ((long) degree * participants % 2 != 0) {
      throw new IllegalArgumentException(
          ("degree = %d is odd and participants = %d is odd: a graph where every one of n clients has k neighbours "
                  + "has n*k/2 edges, so n*k must be even; use an even degree").formatted(degree, participants));
    }
    checkNeighbourhood();
    try {
      quantizer(participants);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("quantizer: " + e.getMessage(), e);
    }
  }

  /** The bounds a client can check without knowing the number of participants. */
  void checkNeighbourhood() {
    if (degree < 2) {
      throw new IllegalArgumentException(
          "degree must be at least 2, got " + degree + ": with one neighbour the clients form pairs whose pairwise "
              + "masks cancel in the pair's sum, so the coordinator would learn the sum of every pair");
    }
    if (threshold > degree) {
      throw new IllegalArgumentException(
          ("threshold = %d exceeds degree = %d: a client's secrets are shared among its %d neighbours, so more than "
                  + "%d shares could never be collected and no dropout could be recovered").formatted(
              threshold, degree, degree, degree));
    }
    if (2 * threshold <= degree) {
      throw new IllegalArgumentException(
          ("threshold = %d must be more than degree / 2 = %s: otherwise two disjoint groups of a client's "
                  + "neighbours each hold threshold shares, and a coordinator telling one group the client dropped "
                  + "and the other that it survived collects both its self-mask seed and its masking key, "
                  + "which unmasks its input").formatted(threshold, degree / 2.0));
    }
  }
}
