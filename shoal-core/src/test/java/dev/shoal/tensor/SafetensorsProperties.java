package dev.shoal.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class SafetensorsProperties {

  @Property(tries = 200)
  boolean anyParameterSetRoundTrips(
      @ForAll @IntRange(min = 0, max = 5) int tensorCount,
      @ForAll @IntRange(min = 0, max = 40) int size,
      @ForAll long seed,
      @ForAll("metadataValue") String meta) throws Exception {
    var rnd = new java.util.Random(seed);
    List<Tensor> tensors = new ArrayList<>();
    for (int t = 0; t < tensorCount; t++) {
      int n = rnd.nextInt(size + 1);
      float[] d = new float[n];
      for (int i = 0; i < n; i++) {
        d[i] = Float.intBitsToFloat(rnd.nextInt());
      }
      tensors.add(new Tensor("t" + t + ".w", new int[] {n}, d));
    }
    ParameterSet p = new ParameterSet(tensors, Map.of("note", meta));
    byte[] bytes = Safetensors.encode(p);
    ParameterSet back = Safetensors.decode(bytes, "prop");
    assertThat(Safetensors.encode(back)).isEqualTo(bytes);
    return back.names().equals(p.names());
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<String> metadataValue() {
    return net.jqwik.api.Arbitraries.strings().ofMaxLength(20);
  }
}
