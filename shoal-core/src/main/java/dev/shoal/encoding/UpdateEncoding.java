package dev.shoal.encoding;

import java.util.Locale;

/**
 * How a client's update travels to the coordinator, agreed for the whole run. Every encoding but
 * {@code float32} sends the change to the global model, Δ = trained − global, more compactly:
 *
 * <ul>
 *   <li>{@code fp16}: Δ as IEEE half precision (2 bytes a value);
 *   <li>{@code bf16}: Δ as bfloat16, float32's exponent with 8 bits of mantissa (2 bytes);
 *   <li>{@code int8}: Δ quantized stochastically to 255 levels of a per-tensor scale max|Δ|/127,
 *       unbiased (1 byte a value);
 *   <li>{@code topk:F}: the fraction F of Δ's values largest in magnitude, over the whole model,
 *       with their indices (8 bytes a kept value); what is not sent is kept on the client and
 *       added to its next update (error feedback).
 * </ul>
 *
 * <p>None of the compressing encodings is linear in the sense secure aggregation needs (the sum of
 * encoded updates decoding to the sum of the updates, in integers it can mask): rounding to fp16 or
 * bf16 is not additive, each client's int8 scale is its own, and each client keeps different top-k
 * indices. So only {@code float32} goes with secure aggregation, which quantizes linearly itself
 * (a shared fixed-range stochastic quantization, see secure-aggregation.md).
 *
 * @param kind the encoding
 * @param fraction the share of values top-k keeps, in (0, 1]; 0 for the others
 */
public record UpdateEncoding(Kind kind, double fraction) {

  /** The encodings there are. */
  public enum Kind { FLOAT32, FP16, BF16, INT8, TOPK }

  /** Updates go as float32 parameters, unencoded. */
  public static final UpdateEncoding FLOAT32 = new UpdateEncoding(Kind.FLOAT32, 0);

  public UpdateEncoding {
    if (kind == Kind.TOPK ? !(fraction > 0 && fraction <= 1) : fraction != 0) {
      throw new IllegalArgumentException(kind == Kind.TOPK
          ? "topk keeps a fraction of the values in (0, 1], got " + fraction
          : name(kind) + " takes no fraction");
    }
  }

  /**
   * Parses {@code float32}, {@code fp16}, {@code bf16}, {@code int8} or {@code topk:F}.
   *
   * @throws IllegalArgumentException naming what is allowed
   */
  public static UpdateEncoding parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.startsWith("topk:")) {
      double f;
      try {
        f = Double.parseDouble(t.substring(5));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("topk:F needs a fraction F in (0, 1], e.g. topk:0.01; got '" + text + "'");
      }
      return new UpdateEncoding(Kind.TOPK, f);
    }
    return switch (t) {
      case "float32" -> FLOAT32;
      case "fp16" -> new UpdateEncoding(Kind.FP16, 0);
      case "bf16" -> new UpdateEncoding(Kind.BF16, 0);
      case "int8" -> new UpdateEncoding(Kind.INT8, 0);
      default -> throw new IllegalArgumentException(
          "unknown update encoding '" + text + "'; allowed: float32, fp16, bf16, int8, topk:F (e.g. topk:0.01)");
    };
  }

  /** Whether secure aggregation can sum updates in this encoding (only float32; see above). */
  public boolean linear() {
    return kind == Kind.FLOAT32;
  }

  /** The name {@link #parse} reads, e.g. {@code topk:0.01}. */
  public String name() {
    return kind == Kind.TOPK ? "topk:" + fraction : name(kind);
  }

  private static String name(Kind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return name();
  }
}
