package dev.shoal.strategy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A strategy's own parameters as the user gave them ({@code --strategy-param KEY=VALUE}, or the
 * {@code strategy:} section of a job file), read with typed getters that name the parameter in
 * their errors. A strategy reads what it knows, then {@link #requireAllRead()} refuses the rest.
 *
 * <p>{@link #given()} is what the run's identity records: the parameters given, with their parsed
 * values, so a parameter left at its default does not change a run's identity, and a strategy may
 * add parameters later without making older runs unresumable.
 */
public final class StrategyParameters {

  public static final StrategyParameters NONE = new StrategyParameters("", Map.of());

  private final String strategy;
  private final Map<String, String> raw;
  private final Set<String> read = new TreeSet<>();
  private final Map<String, Object> given = new TreeMap<>();

  public StrategyParameters(String strategy, Map<String, String> raw) {
    this.strategy = strategy;
    this.raw = Collections.unmodifiableMap(new LinkedHashMap<>(raw));
  }

  /** The same parameters, for the strategy called {@code name}. */
  public StrategyParameters forStrategy(String name) {
    return new StrategyParameters(name, raw);
  }

  public Map<String, String> raw() {
    return raw;
  }

  /** A number; {@code fallback} when absent. */
  public double number(String key, double fallback) {
    String v = take(key);
    if (v == null) {
      return fallback;
    }
    double d;
    try {
      d = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw refuse(key, v, "a number");
    }
    if (!Double.isFinite(d)) {
      throw refuse(key, v, "a finite number");
    }
    given.put(key, d);
    return d;
  }

  /** A whole number; {@code fallback} when absent. */
  public long integer(String key, long fallback) {
    String v = take(key);
    if (v == null) {
      return fallback;
    }
    try {
      long n = Long.parseLong(v.trim());
      given.put(key, n);
      return n;
    } catch (NumberFormatException e) {
      throw refuse(key, v, "a whole number");
    }
  }

  /** true or false; {@code fallback} when absent. */
  public boolean flag(String key, boolean fallback) {
    String v = take(key);
    if (v == null) {
      return fallback;
    }
    boolean b = switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw refuse(key, v, "true or false");
    };
    given.put(key, b);
    return b;
  }

  /** A word; {@code fallback} when absent. */
  public String text(String key, String fallback) {
    String v = take(key);
    if (v == null) {
      return fallback;
    }
    given.put(key, v);
    return v;
  }

  /**
   * Refuses parameters the strategy did not read.
   *
   * @throws StrategyConfigurationException naming them and the ones the strategy knows
   */
  public void requireAllRead() {
    Set<String> unknown = new TreeSet<>(raw.keySet());
    unknown.removeAll(read);
    if (!unknown.isEmpty()) {
      throw new StrategyConfigurationException("strategy '%s' has no parameter %s%s".formatted(strategy,
          String.join(", ", unknown), read.isEmpty() ? " (it takes none)" : "; it takes " + String.join(", ", read)));
    }
  }

  /** The parameters given and read, with their parsed values, sorted by name. */
  public Map<String, Object> given() {
    return Collections.unmodifiableMap(given);
  }

  /** A condition on the parameters failed: the message names the parameter, its value and the rule. */
  public StrategyConfigurationException refuse(String message) {
    return new StrategyConfigurationException("strategy '%s': %s".formatted(strategy, message));
  }

  private String take(String key) {
    read.add(key);
    return raw.get(key);
  }

  private StrategyConfigurationException refuse(String key, String value, String expected) {
    return refuse("parameter %s must be %s, got '%s'".formatted(key, expected, value));
  }
}
