package dev.shoal.encoding;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.RawTensor;
import dev.shoal.tensor.RawTensors;
import dev.shoal.tensor.Safetensors;
import dev.shoal.tensor.SafetensorsException;
import dev.shoal.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Encodes a client's update as its run's {@link UpdateEncoding} (the client's outbound stage)
 * and decodes it against the round's global model (the coordinator's inbound stage). An encoded
 * update is a safetensors file, so numpy and PyTorch users can read it: {@code __metadata__} keeps
 * the update's own keys plus {@code encoding} (and for int8 {@code scale:NAME} per tensor); each
 * tensor of the model is stored under its name as F16, BF16 or I8 with the model's shape, or for
 * top-k as {@code NAME::indices} (I32, ascending flat indices) and {@code NAME::values} (F32).
 */
public final class UpdateCodec {

  /** The metadata key that names the encoding. */
  public static final String ENCODING = "encoding";
  private static final String SCALE = "scale:";
  private static final String INDICES = "::indices";
  private static final String VALUES = "::values";

  private UpdateCodec() {}

  /**
   * The encoded update: Δ = trained − global (plus, for top-k, what {@code feedback} kept from
   * earlier rounds, which is updated). Refuses a non-finite value, naming the tensor.
   */
  public static byte[] encode(ParameterSet global, ParameterSet trained, Map<String, String> metadata,
      UpdateEncoding encoding, ErrorFeedback feedback, SplittableRandom random) {
    Map<String, String> meta = new LinkedHashMap<>(metadata);
    meta.put(ENCODING, encoding.name());
    List<RawTensor> out = new ArrayList<>();
    Map<String, float[]> deltas = new LinkedHashMap<>();
    for (String name : global.names()) {
      float[] g = global.read(name).data();
      float[] x = trained.read(name).data();
      if (x.length != g.length) {
        throw new IllegalArgumentException("tensor '%s' has %d values, the global model's %d".formatted(name, x.length, g.length));
      }
      float[] d = new float[g.length];
      for (int i = 0; i < d.length; i++) {
        d[i] = x[i] - g[i];
        if (!Float.isFinite(d[i])) {
          throw new IllegalArgumentException("tensor '%s' holds a non-finite value (%s) at index %d".formatted(name, x[i], i));
        }
      }
      deltas.put(name, d);
    }
    switch (encoding.kind()) {
      case FLOAT32 -> throw new IllegalArgumentException("float32 updates are sent as they are, not encoded");
      case FP16, BF16 -> deltas.forEach((name, d) -> {
        ByteBuffer b = ByteBuffer.allocate(2 * d.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : d) {
          short h = encoding.kind() == UpdateEncoding.Kind.FP16 ? Float.floatToFloat16(v) : bf16(v);
          if (encoding.kind() == UpdateEncoding.Kind.FP16 && Float.isInfinite(Float.float16ToFloat(h))) {
            throw new IllegalArgumentException("tensor '%s' changed by %s, more than fp16 holds (65504)".formatted(name, v));
          }
          b.putShort(h);
        }
        out.add(new RawTensor(name, encoding.kind() == UpdateEncoding.Kind.FP16 ? "F16" : "BF16",
            global.read(name).shape(), b.array()));
      });
      case INT8 -> deltas.forEach((name, d) -> {
        float max = 0;
        for (float v : d) {
          max = Math.max(max, Math.abs(v));
        }
        float scale = max / 127;
        byte[] q = new byte[d.length];
        if (scale > 0) {
          for (int i = 0; i < d.length; i++) {
            double level = Math.floor(d[i] / scale + random.nextDouble());
            q[i] = (byte) Math.max(-127, Math.min(127, level));
          }
        }
        meta.put(SCALE + name, Float.toString(scale));
        out.add(new RawTensor(name, "I8", global.read(name).shape(), q));
      });
      case TOPK -> topK(deltas, encoding.fraction(), feedback, out);
    }
    return Safetensors.encodeRaw(new RawTensors(out, meta));
  }

  /** bfloat16, rounded to nearest even. */
  private static short bf16(float v) {
    int bits = Float.floatToRawIntBits(v);
    bits += 0x7fff + ((bits >>> 16) & 1);
    return (short) (bits >>> 16);
  }

  /** How many values top-k keeps of a model of {@code parameters}: at least one. */
  public static long kept(long parameters, double fraction) {
    return Math.max(1, (long) Math.ceil(fraction * parameters));
  }

  private static void topK(Map<String, float[]> deltas, double fraction, ErrorFeedback feedback, List<RawTensor> out) {
    long total = 0;
    for (var e : deltas.entrySet()) {
      float[] r = feedback.residual(e.getKey(), e.getValue().length);
      float[] d = e.getValue();
      for (int i = 0; i < d.length; i++) {
        d[i] += r[i];
      }
      total += d.length;
    }
    long k = Math.min(total, kept(total, fraction));
    float[] magnitudes = new float[Math.toIntExact(total)];
    int at = 0;
    for (float[] d : deltas.values()) {
      for (float v : d) {
        magnitudes[at++] = Math.abs(v);
      }
    }
    Arrays.sort(magnitudes);
    float threshold = magnitudes.length == 0 ? 0 : magnitudes[(int) (magnitudes.length - k)];
    long above = 0;
    for (float[] d : deltas.values()) {
      for (float v : d) {
        if (Math.abs(v) > threshold) {
          above++;
        }
      }
    }
    long ties = k - above;
    for (var e : deltas.entrySet()) {
      float[] d = e.getValue();
      float[] r = feedback.residual(e.getKey(), d.length);
      ByteBuffer idx = ByteBuffer.allocate(4 * d.length).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer val = ByteBuffer.allocate(4 * d.length).order(ByteOrder.LITTLE_ENDIAN);
      int n = 0;
      for (int i = 0; i < d.length; i++) {
        float m = Math.abs(d[i]);
        boolean keep = m > threshold || (m == threshold && ties > 0);
        if (keep && m == threshold && !(m > threshold)) {
          ties--;
        }
        if (keep) {
          idx.putInt(i);
          val.putFloat(d[i]);
          r[i] = 0;
          n++;
        } else {
          r[i] = d[i];
        }
      }
      out.add(new RawTensor(e.getKey() + INDICES, "I32", new int[] {n}, Arrays.copyOf(idx.array(), 4 * n)));
      out.add(new RawTensor(e.getKey() + VALUES, "F32", new int[] {n}, Arrays.copyOf(val.array(), 4 * n)));
    }
  }

  /**
   * The float32 parameters an encoded update stands for: the global model plus the decoded change,
   * with the update's metadata (without the encoding's keys).
   *
   * @throws SafetensorsException naming {@code source}, if the bytes are not an update in
   *     {@code encoding} for {@code global}'s layout (another encoding, a missing or extra tensor, a
   *     wrong dtype or shape, a bad scale, indices out of order or range, more values than top-k keeps)
   */
  public static ParameterSet decode(byte[] bytes, ParameterSet global, UpdateEncoding encoding, String source)
      throws SafetensorsException {
    RawTensors raw = Safetensors.decodeRaw(bytes, source, Set.of("F16", "BF16", "I8", "I32", "F32"));
    String declared = raw.metadata().get(ENCODING);
    if (!encoding.name().equals(declared)) {
      throw new SafetensorsException(source, "the update is encoded as %s but the run uses %s"
          .formatted(declared == null ? "nothing (no 'encoding' in __metadata__)" : "'" + declared + "'", encoding.name()));
    }
    Map<String, RawTensor> byName = new HashMap<>();
    raw.tensors().forEach(t -> byName.put(t.name(), t));
    Map<String, String> meta = new LinkedHashMap<>(raw.metadata());
    meta.remove(ENCODING);
    List<Tensor> tensors = new ArrayList<>();
    long kept = 0;
    for (String name : global.names()) {
      Tensor g = global.read(name);
      float[] x = g.data().clone();
      if (encoding.kind() == UpdateEncoding.Kind.TOPK) {
        RawTensor idx = require(byName, name + INDICES, "I32", null, source);
        RawTensor val = require(byName, name + VALUES, "F32", idx.shape(), source);
        if (idx.shape().length != 1) {
          throw new SafetensorsException(source, "tensor '" + name + INDICES + "' must be one-dimensional");
        }
        ByteBuffer ib = ByteBuffer.wrap(idx.data()).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer vb = ByteBuffer.wrap(val.data()).order(ByteOrder.LITTLE_ENDIAN);
        int previous = -1;
        for (int j = 0; j < idx.shape()[0]; j++) {
          int i = ib.getInt(4 * j);
          if (i <= previous || i >= x.length) {
            throw new SafetensorsException(source, "tensor '%s': index %d is out of order or outside 0..%d"
                .formatted(name + INDICES, i, x.length - 1));
          }
          x[i] += vb.getFloat(4 * j);
          previous = i;
        }
        kept += idx.shape()[0];
      } else {
        String dtype = switch (encoding.kind()) {
          case FP16 -> "F16";
          case BF16 -> "BF16";
          default -> "I8";
        };
        RawTensor t = require(byName, name, dtype, g.shape(), source);
        ByteBuffer b = ByteBuffer.wrap(t.data()).order(ByteOrder.LITTLE_ENDIAN);
        float scale = encoding.kind() == UpdateEncoding.Kind.INT8 ? scale(meta, name, source) : 0;
        for (int i = 0; i < x.length; i++) {
          x[i] += switch (encoding.kind()) {
            case FP16 -> Float.float16ToFloat(b.getShort(2 * i));
            case BF16 -> Float.intBitsToFloat(b.getShort(2 * i) << 16);
            default -> scale * t.data()[i];
          };
        }
      }
      tensors.add(new Tensor(name, g.shape().clone(), x));
    }
    if (!byName.isEmpty()) {
      throw new SafetensorsException(source, "unexpected tensor '" + byName.keySet().iterator().next() + "'");
    }
    if (encoding.kind() == UpdateEncoding.Kind.TOPK && kept > kept(global.parameterCount(), encoding.fraction())) {
      throw new SafetensorsException(source, "%d values sent, but %s keeps at most %d of %d"
          .formatted(kept, encoding.name(), kept(global.parameterCount(), encoding.fraction()), global.parameterCount()));
    }
    return new ParameterSet(tensors, meta);
  }

  private static float scale(Map<String, String> meta, String name, String source) throws SafetensorsException {
    String v = meta.remove(SCALE + name);
    try {
      float s = Float.parseFloat(v);
      if (!(s >= 0) || Float.isInfinite(s)) {
        throw new NumberFormatException();
      }
      return s;
    } catch (NumberFormatException | NullPointerException e) {
      throw new SafetensorsException(source, "'%s%s' in __metadata__ must be a finite scale >= 0, found %s"
          .formatted(SCALE, name, v == null ? "none" : "'" + v + "'"));
    }
  }

  private static RawTensor require(Map<String, RawTensor> byName, String name, String dtype, int[] shape, String source)
      throws SafetensorsException {
    RawTensor t = byName.remove(name);
    if (t == null) {
      throw new SafetensorsException(source, "tensor '" + name + "' is missing");
    }
    if (!t.dtype().equals(dtype)) {
      throw new SafetensorsException(source, "tensor '%s' has dtype %s, expected %s".formatted(name, t.dtype(), dtype));
    }
    if (shape != null && !Arrays.equals(shape, t.shape())) {
      throw new SafetensorsException(source, "tensor '%s' has shape %s, expected %s"
          .formatted(name, Arrays.toString(t.shape()), Arrays.toString(shape)));
    }
    return t;
  }
}
