package dev.shoal.train;

import java.util.List;

/** An instruction requires settings this node does not understand; it must not train on it. */
public final class UnknownSettingException extends IllegalArgumentException {

  private final List<String> keys;

  public UnknownSettingException(List<String> keys) {
    super("the instruction requires setting(s) %s, which this node does not understand; upgrade the node or change the strategy"
        .formatted(String.join(", ", keys)));
    this.keys = List.copyOf(keys);
  }

  public List<String> keys() {
    return keys;
  }
}
