package dev.shoal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;

class CanonicalJsonProperties {

  private static String canon(String json) {
    return new String(CanonicalJson.canonicalize(json), StandardCharsets.UTF_8);
  }

  @Property
  void numbersRoundTripToTheSameDouble(@ForAll double d) throws Exception {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return;
    }
    String s = CanonicalJson.formatNumber(d);
    assertThat(Double.parseDouble(s)).isEqualTo(d == 0 ? 0.0 : d);
    assertThat(new ObjectMapper().readTree(s).doubleValue()).isEqualTo(d == 0 ? 0.0 : d);
  }

  @Tag("slow")
  @Property
  void canonicalizationIsIdempotent(@ForAll Map<String, Integer> map) {
    String once = new String(CanonicalJson.canonicalize(map), StandardCharsets.UTF_8);
    assertThat(canon(once)).isEqualTo(once);
  }
}
