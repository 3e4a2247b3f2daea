package dev.shoal.djl;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Derives readable tensor names from DJL's block structure, for models registered without
 * explicit names.
 *
 * <p>DJL names a child block by its 1-based position and type, for example {@code 03Linear}. Each
 * such key becomes a lower-case segment {@code <type>_<position>} ({@code linear_3}); segments of
 * nested blocks are joined with dots and the parameter's own name comes last, as in PyTorch:
 * {@code linear_3.weight}, {@code sequentialblock_1.conv2d_2.bias}. The same block structure
 * always yields the same names.
 */
final class ParameterNaming {

  private static final Pattern CHILD_KEY = Pattern.compile("(\\d+)(.+)");

  private ParameterNaming() {}

  /** The path segment for a child block key such as {@code 03Linear}. */
  static String segment(String childKey) {
    Matcher m = CHILD_KEY.matcher(childKey);
    if (!m.matches()) {
      return sanitize(childKey);
    }
    return sanitize(m.group(2)) + "_" + Integer.parseInt(m.group(1));
  }

  /** The full name of parameter {@code parameterName} under {@code prefix} (empty at the root). */
  static String join(String prefix, String parameterName) {
    return prefix.isEmpty() ? sanitize(parameterName) : prefix + "." + sanitize(parameterName);
  }

  private static String sanitize(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_");
  }
}
