package dev.shoal.ledger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte sequence for a JSON value that
 * every party hashes and signs.
 *
 * <ul>
 *   <li>No whitespace between tokens.
 *   <li>Object members sorted by their names' UTF-16 code units.
 *   <li>Strings escaped minimally: {@code \"}, {@code \\}, {@code \b \f \n \r \t}, other
 *       characters below U+0020 as <code>&#92;u00xx</code> (lowercase hex); everything else literal, in
 *       UTF-8.
 *   <li>Numbers are IEEE 754 doubles written as ECMAScript's {@code Number.prototype.toString}
 *       does: shortest round-trip digits, integers without a fraction, exponent form
 *       ({@code 1e+21}, {@code 1e-7}) from 1e21 up and below 1e-6.
 * </ul>
 * NaN and infinities are refused, and so are integers a double cannot hold exactly (a JCS
 * number is a double; write such values as strings) and strings with unpaired surrogates.
 */
public final class CanonicalJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private CanonicalJson() {}

  /** The canonical UTF-8 bytes of a JSON tree. */
  public static byte[] canonicalize(JsonNode node) {
    return toCanonicalString(node).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The canonical UTF-8 bytes of a map of JSON-compatible values (strings, numbers, booleans,
   * null, lists, maps), converted with Jackson.
   */
  public static byte[] canonicalize(Map<String, ?> map) {
    JsonNode tree = MAPPER.valueToTree(map);
    return canonicalize(tree);
  }

  /**
   * The canonical UTF-8 bytes of a JSON text.
   *
   * @throws IllegalArgumentException if the text is not JSON
   */
  public static byte[] canonicalize(String json) {
    try {
      return canonicalize(MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("text is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** The canonical form as a string. */
  public static String toCanonicalString(JsonNode node) {
    StringBuilder sb = new StringBuilder();
    write(node, sb, "$");
    return sb.toString();
  }

  /**
   * A double as ECMAScript serializes it (ES2015 §7.1.12.1), e.g. {@code 4.5}, {@code 1e+30},
   * {@code 0.002}, {@code 1e-27}; {@code -0} is {@code 0}.
   *
   * @throws IllegalArgumentException for NaN and infinities, which JSON cannot hold
   */
  public static String formatNumber(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new IllegalArgumentException("number " + d + " is not allowed in canonical JSON: only finite numbers are");
    }
    if (d == 0) {
      return "0";
    }
    if (d < 0) {
      return "-" + formatNumber(-d);
    }
    // Double.toString yields the shortest decimal that rounds to d (JDK 19 and later), except
    // that it always prints at least two digits: where one digit suffices, ECMAScript uses it.
    BigDecimal shortest = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    if (shortest.precision() == 2) {
      BigDecimal oneDigit = new BigDecimal(d).round(new MathContext(1, RoundingMode.HALF_EVEN));
      if (Double.parseDouble(oneDigit.toString()) == d) {
        shortest = oneDigit.stripTrailingZeros();
      }
    }
    String digits = shortest.unscaledValue().toString();
    int k = digits.length();
    int n = k - shortest.scale(); // d = 0.digits * 10^n
    StringBuilder sb = new StringBuilder();
    if (k <= n && n <= 21) {
      sb.append(digits).append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      sb.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      sb.append("0.").append("0".repeat(-n)).append(digits);
    } else {
      int e = n - 1;
      sb.append(digits.charAt(0));
      if (k > 1) {
        sb.append('.').append(digits, 1, k);
      }
      sb.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
    }
    return sb.toString();
  }

  private static void write(JsonNode node, StringBuilder sb, String path) {
    JsonNodeType type = node.getNodeType();
    switch (type) {
      case OBJECT -> {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
          names.add(it.next());
        }
        names.sort(null); // String.compareTo orders by UTF-16 code units, as JCS requires
        sb.append('{');
        for (int i = 0; i < names.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          String name = names.get(i);
          writeString(name, sb, path);
          sb.append(':');
          write(node.get(name), sb, path + "." + name);
        }
        sb.append('}');
      }
      case ARRAY -> {
        sb.append('[');
        for (int i = 0; i < node.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          write(node.get(i), sb, path + "[" + i + "]");
        }
        sb.append(']');
      }
      case STRING -> writeString(node.textValue(), sb, path);
      case NUMBER -> sb.append(number(node, path));
      case BOOLEAN -> sb.append(node.booleanValue());
      case NULL -> sb.append("null");
      default -> throw new IllegalArgumentException("value at " + path + " is a " + type
          + ", which JSON cannot hold: allowed are objects, arrays, strings, numbers, booleans and null");
    }
  }

  private static String number(JsonNode node, String path) {
    double d;
    if (node.isIntegralNumber()) {
      BigInteger big = node.bigIntegerValue();
      d = big.doubleValue();
      if (Double.isInfinite(d) || new BigDecimal(d).toBigIntegerExact().compareTo(big) != 0) {
        throw new IllegalArgumentException("integer " + big + " at " + path
            + " cannot be held exactly by an IEEE 754 double, as canonical JSON numbers are: write it as a string");
      }
    } else {
      d = node.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("number at " + path + " is " + (Double.isNaN(d) ? "NaN" : "infinite")
            + ": canonical JSON allows only finite numbers");
      }
    }
    return formatNumber(d);
  }

  private static void writeString(String s, StringBuilder sb, String path) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            sb.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            throw new IllegalArgumentException("string at " + path + " has an unpaired surrogate U+"
                + String.format("%04X", (int) c) + " at position " + i + ": canonical JSON strings must be valid Unicode");
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
