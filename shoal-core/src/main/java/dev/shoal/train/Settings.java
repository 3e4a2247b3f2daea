package dev.shoal.train;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/**
 * The open part of a round's training instruction: settings a strategy sends next to the fixed
 * ones (epochs, batch size, learning rate, seed), such as a proximal term's μ or a server-chosen
 * learning rate, without a change to the wire format. Keys are lower-case words joined by dashes.
 */
public record Settings(Map<String, Setting> values) {

  public static final Settings NONE = new Settings(Map.of());

  public Settings {
    for (String key : values.keySet()) {
      if (!key.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*") || key.length() > 64) {
        throw new IllegalArgumentException(
            "setting name '%s' is not lower-case words joined by dashes (at most 64 characters)".formatted(key));
      }
    }
    values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** These settings with {@code key} set to {@code value}. */
  public Settings with(String key, Setting value) {
    Map<String, Setting> m = new TreeMap<>(values);
    m.put(key, value);
    return new Settings(m);
  }

  public Optional<Setting> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /** The number (or integer) under {@code key}. */
  public OptionalDouble number(String key) {
    return switch (values.get(key)) {
      case Setting.Number n -> OptionalDouble.of(n.number());
      case Setting.Integer i -> OptionalDouble.of(i.integer());
      case null -> OptionalDouble.empty();
      default -> throw new IllegalArgumentException("setting '" + key + "' must be a number, got " + values.get(key).value());
    };
  }

  /**
   * Checks that this node understands every required setting.
   *
   * @param understood the keys the node's trainer and pipeline act on
   * @throws UnknownSettingException naming the first required key it does not understand
   */
  public void requireUnderstood(Set<String> understood) {
    List<String> unknown = values.entrySet().stream()
        .filter(e -> e.getValue().required() && !understood.contains(e.getKey()))
        .map(Map.Entry::getKey).toList();
    if (!unknown.isEmpty()) {
      throw new UnknownSettingException(unknown);
    }
  }

  public boolean isEmpty() {
    return values.isEmpty();
  }
}
