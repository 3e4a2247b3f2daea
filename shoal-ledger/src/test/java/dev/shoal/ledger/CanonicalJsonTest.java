package dev.shoal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RFC 8785 canonical JSON. Vectors are the RFC's Appendix B number samples and the reference
 * implementation's test data (cyberphone/json-canonicalization, testdata/input and output:
 * values.json, structures.json, weird.json).
 */
class CanonicalJsonTest {

  private static String canon(String json) {
    return new String(CanonicalJson.canonicalize(json), StandardCharsets.UTF_8);
  }

  private static double bits(String hex) {
    return Double.longBitsToDouble(Long.parseUnsignedLong(hex, 16));
  }

  @Test
  void appendixBNumberSamples() {
    Map<String, String> samples = new LinkedHashMap<>();
    samples.put("0000000000000000", "0");
    samples.put("8000000000000000", "0");
    samples.put("0000000000000001", "5e-324");
    samples.put("8000000000000001", "-5e-324");
    samples.put("7fefffffffffffff", "1.7976931348623157e+308");
    samples.put("ffefffffffffffff", "-1.7976931348623157e+308");
    samples.put("4340000000000000", "9007199254740992");
    samples.put("c340000000000000", "-9007199254740992");
    samples.put("4430000000000000", "295147905179352830000");
    samples.put("44b52d02c7e14af5", "9.999999999999997e+22");
    samples.put("44b52d02c7e14af6", "1e+23");
    samples.put("44b52d02c7e14af7", "1.0000000000000001e+23");
    samples.put("444b1ae4d6e2ef4e", "999999999999999700000");
    samples.put("444b1ae4d6e2ef4f", "999999999999999900000");
    samples.put("444b1ae4d6e2ef50", "1e+21");
    samples.put("3eb0c6f7a0b5ed8c", "9.999999999999997e-7");
    samples.put("3eb0c6f7a0b5ed8d", "0.000001");
    samples.put("41b3de4355555553", "333333333.3333332");
    samples.put("41b3de4355555554", "333333333.33333325");
    samples.put("41b3de4355555555", "333333333.3333333");
    samples.put("41b3de4355555556", "333333333.3333334");
    samples.put("41b3de4355555557", "333333333.33333343");
    samples.put("becbf647612f3696", "-0.0000033333333333333333");
    samples.put("43143ff3c1cb0959", "1424953923781206.2");
    samples.forEach((hex, expected) ->
        assertThat(CanonicalJson.formatNumber(bits(hex))).as(hex).isEqualTo(expected));
  }

  @Test
  void nanAndInfinityAreRefused() {
    assertThatThrownBy(() -> CanonicalJson.formatNumber(bits("7fffffffffffffff"))).hasMessageContaining("finite");
    assertThatThrownBy(() -> CanonicalJson.formatNumber(Double.POSITIVE_INFINITY)).hasMessageContaining("finite");
    assertThatThrownBy(() -> CanonicalJson.canonicalize(Map.of("loss", Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("$.loss").hasMessageContaining("NaN");
    assertThatThrownBy(() -> CanonicalJson.canonicalize(Map.of("x", List.of(1.0, Double.NEGATIVE_INFINITY))))
        .hasMessageContaining("$.x[1]").hasMessageContaining("infinite");
  }

  @Test
  void exponentFormStartsAt1e21AndBelow1eMinus6() {
    assertThat(CanonicalJson.formatNumber(1e21)).isEqualTo("1e+21");
    assertThat(CanonicalJson.formatNumber(1e20)).isEqualTo("100000000000000000000");
    assertThat(CanonicalJson.formatNumber(1e-7)).isEqualTo("1e-7");
    assertThat(CanonicalJson.formatNumber(1.5e-7)).isEqualTo("1.5e-7");
    assertThat(CanonicalJson.formatNumber(1e-6)).isEqualTo("0.000001");
    assertThat(CanonicalJson.formatNumber(123.0)).isEqualTo("123");
    assertThat(CanonicalJson.formatNumber(-0.5)).isEqualTo("-0.5");
  }

  @Test
  void valuesVector() {
    String input = "{\n  \"numbers\": [1E30, 4.50, 333333333.33333329, 2e-3, 0.000000000000000000000000001],\n"
        + "  \"escaping\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\",\n"
        + "  \"literals\": [null, true, false]\n}";
    assertThat(canon(input)).isEqualTo(
        "{\"escaping\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\",\"literals\":[null,true,false],"
            + "\"numbers\":[1e+30,4.5,333333333.3333333,0.002,1e-27]}");
  }

  @Test
  void structuresVector() {
    String input = "{\n  \"1\": {\"f\": {\"f\": \"hi\",\"F\": 5} ,\"\\n\": 56.0},\n  \"10\": { },\n  \"\": \"empty\",\n"
        + "  \"a\": { },\n  \"111\": [ { } ],\n  \"A\": { }\n}";
    assertThat(canon(input)).isEqualTo(
        "{\"\":\"empty\",\"1\":{\"\\n\":56,\"f\":{\"F\":5,\"f\":\"hi\"}},\"10\":{},\"111\":[{}],\"A\":{},\"a\":{}}");
  }

  @Test
  void weirdVectorSortsByUtf16CodeUnits() {
    String input = "{\n  \"\\u20ac\": \"Euro Sign\",\n  \"1\": \"One\",\n  \"\\u0080\": \"Control\\u007f\",\n"
        + "  \"\\ud83d\\ude02\": \"Smiley\",\n  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\",\n"
        + "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n  \"</script>\": \"Browser Challenge\"\n}\n";
    assertThat(canon(input)).isEqualTo("{\"1\":\"One\",\"</script>\":\"Browser Challenge\",\"\u0080\":\"Control\u007f\","
        + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\",\"\ud83d\ude02\":\"Smiley\","
        + "\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}");
  }

  @Test
  void arraysVector() {
    assertThat(canon("[\n  56,\n  {\n    \"d\": true,\n    \"10\": null,\n    \"1\": [ ]\n  }\n]"))
        .isEqualTo("[56,{\"1\":[],\"10\":null,\"d\":true}]");
  }

  @Test
  void mapsAreCanonicalizedLikeTheirJson() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("b", List.of(1, 2.5, "x"));
    map.put("a", Map.of("z", true, "y", 1e21));
    assertThat(new String(CanonicalJson.canonicalize(map), StandardCharsets.UTF_8))
        .isEqualTo("{\"a\":{\"y\":1e+21,\"z\":true},\"b\":[1,2.5,\"x\"]}");
  }

  @Test
  void integersADoubleCannotHoldAreRefused() {
    assertThat(canon("9007199254740992")).isEqualTo("9007199254740992");
    assertThatThrownBy(() -> canon("{\"n\":9007199254740993}"))
        .hasMessageContaining("9007199254740993").hasMessageContaining("$.n").hasMessageContaining("string");
    assertThat(canon("[1152921504606846976]")).isEqualTo("[1152921504606847000]");
  }

  @Test
  void unpairedSurrogatesAreRefused() {
    var node = JsonNodeFactory.instance.objectNode().put("s", "a\ud800b");
    assertThatThrownBy(() -> CanonicalJson.canonicalize(node)).hasMessageContaining("unpaired surrogate");
  }

  @Test
  void controlCharactersUseShortOrLowercaseHexEscapes() {
    var node = JsonNodeFactory.instance.textNode("\b\f\n\r\t\u0001\u001f\u007f/");
    assertThat(CanonicalJson.toCanonicalString(node)).isEqualTo("\"\\b\\f\\n\\r\\t\\u0001\\u001f\u007f/\"");
  }
}
