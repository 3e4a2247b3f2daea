package dev.shoal.strategy;

import dev.shoal.encoding.UpdateEncoding;

/**
 * What a client does to its update before it leaves the client: the outbound pipeline of one fit.
 * With secure aggregation the client keeps its update and takes part in the protocol instead of
 * sending it; with distributed differential privacy it first clips its change to the global model
 * to L2 norm {@code clipNorm} and adds Gaussian noise of standard deviation {@code noiseStddev}.
 *
 * @param secureAggregation the update is summed by secure aggregation, never sent in the clear
 * @param maxExamples the example count that gives an update weight 1 in a secure sum (counts above
 *     it are capped); ignored when clipping, where every update weighs 1
 * @param clipNorm L2 bound on the client's change, or 0 for none
 * @param noiseStddev standard deviation of the noise the client adds to each coordinate, or 0
 * @param encoding how the update is encoded for the way to the coordinator (after clipping and
 *     noise); only a linear one goes with secure aggregation
 */
public record Outbound(boolean secureAggregation, long maxExamples, double clipNorm, double noiseStddev,
    UpdateEncoding encoding) {

  /** The update is sent as it is. */
  public static final Outbound PLAIN = new Outbound(false, 1, 0, 0);

  /** Sent as float32. */
  public Outbound(boolean secureAggregation, long maxExamples, double clipNorm, double noiseStddev) {
    this(secureAggregation, maxExamples, clipNorm, noiseStddev, UpdateEncoding.FLOAT32);
  }

  public Outbound {
    if (secureAggregation && !encoding.linear()) {
      throw new IllegalArgumentException("update encoding " + encoding.name()
          + " cannot go with secure aggregation, which sums updates in a linear encoding only (float32)");
    }
    if (maxExamples < 1) {
      throw new IllegalArgumentException("max examples must be >= 1, got " + maxExamples);
    }
    if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
      throw new IllegalArgumentException("clip norm must be a finite number >= 0, got " + clipNorm);
    }
    if (!(noiseStddev >= 0) || Double.isInfinite(noiseStddev)) {
      throw new IllegalArgumentException("noise stddev must be a finite number >= 0, got " + noiseStddev);
    }
    if (noiseStddev > 0 && clipNorm == 0) {
      throw new IllegalArgumentException("noise without a clip norm gives no privacy: set a clip norm");
    }
  }

  /** The same pipeline with updates encoded as {@code e}. */
  public Outbound withEncoding(UpdateEncoding e) {
    return new Outbound(secureAggregation, maxExamples, clipNorm, noiseStddev, e);
  }

  /** Whether the client clips (and so weighs every update 1). */
  public boolean clips() {
    return clipNorm > 0;
  }
}
