package dev.shoal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SettingsTest {

  @Test
  void aRequiredSettingTheNodeDoesNotUnderstandIsRefusedByName() {
    Settings s = new Settings(Map.of("proximal-mu", new Setting.Number(0.01, true),
        "hint", new Setting.Text("x", false)));
    assertThatThrownBy(() -> s.requireUnderstood(Set.of()))
        .isInstanceOf(UnknownSettingException.class)
        .hasMessage("the instruction requires setting(s) proximal-mu, which this node does not understand;"
            + " upgrade the node or change the strategy");
    s.requireUnderstood(Set.of("proximal-mu"));
    assertThat(s.number("proximal-mu")).hasValue(0.01);
  }

  @Test
  void settingNamesAreLowerCaseWordsJoinedByDashes() {
    assertThatThrownBy(() -> new Settings(Map.of("Mu", new Setting.Flag(true, false))))
        .hasMessageContaining("'Mu' is not lower-case words joined by dashes");
    assertThat(Settings.NONE.with("server-lr", new Setting.Number(1, false)).values()).containsKey("server-lr");
  }

  @Test
  void aFitConfigKeepsItsSettingsWhenEachClientGetsItsSeed() {
    Settings s = Settings.NONE.with("k", new Setting.Integer(3, true));
    FitConfig c = new FitConfig(1, 10, 0.1, 1).withSettings(s).withSeed(7);
    assertThat(c.settings()).isEqualTo(s);
    assertThat(c.seed()).isEqualTo(7);
  }
}
