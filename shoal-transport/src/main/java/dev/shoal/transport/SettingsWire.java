package dev.shoal.transport;

import dev.shoal.train.Setting;
import dev.shoal.train.Settings;
import java.util.Map;
import java.util.TreeMap;

/** A round's open settings ({@link Settings}) to and from the wire's {@code map<string, Setting>}. */
final class SettingsWire {

  private SettingsWire() {}

  static Map<String, dev.shoal.transport.proto.Setting> toProto(Settings settings) {
    Map<String, dev.shoal.transport.proto.Setting> m = new TreeMap<>();
    settings.values().forEach((key, value) -> {
      var b = dev.shoal.transport.proto.Setting.newBuilder().setRequired(value.required());
      switch (value) {
        case Setting.Number n -> b.setNumber(n.number());
        case Setting.Integer i -> b.setInteger(i.integer());
        case Setting.Text t -> b.setText(t.text());
        case Setting.Flag f -> b.setFlag(f.flag());
      }
      m.put(key, b.build());
    });
    return m;
  }

  /**
   * The settings an assignment carries.
   *
   * @throws IllegalArgumentException for a key that is not a setting name or a value of no known
   *     kind (from a newer coordinator): refused when required, dropped when optional
   */
  static Settings fromProto(Map<String, dev.shoal.transport.proto.Setting> wire) {
    Map<String, Setting> m = new TreeMap<>();
    wire.forEach((key, s) -> {
      Setting value = switch (s.getValueCase()) {
        case NUMBER -> new Setting.Number(s.getNumber(), s.getRequired());
        case INTEGER -> new Setting.Integer(s.getInteger(), s.getRequired());
        case TEXT -> new Setting.Text(s.getText(), s.getRequired());
        case FLAG -> new Setting.Flag(s.getFlag(), s.getRequired());
        case VALUE_NOT_SET -> null;
      };
      if (value == null) {
        if (s.getRequired()) {
          throw new IllegalArgumentException("required setting '" + key + "' has a value of a kind this node does not know");
        }
        return;
      }
      m.put(key, value);
    });
    return new Settings(m);
  }
}
