package dev.shoal.strategy;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.tensor.SafetensorsFile;
import dev.shoal.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The value check on updates read from disk, where a tensor spans several read blocks. */
class UpdateCheckTest {

  /** More values than three 1 MiB read blocks hold. */
  private static final int SIZE = 800_001;

  @TempDir Path dir;

  private SafetensorsFile update(float[] values) throws Exception {
    Path file = dir.resolve("u.safetensors");
    Safetensors.write(new ParameterSet(List.of(new Tensor("big", new int[] {values.length}, values))), file);
    return SafetensorsFile.open(file);
  }

  private static ParameterSet global() {
    return new ParameterSet(List.of(new Tensor("big", new int[] {SIZE}, new float[SIZE])));
  }

  @Test
  void aNonFiniteValueInALaterBlockIsNamedByItsIndexInTheTensor() throws Exception {
    float[] values = new float[SIZE];
    values[600_000] = Float.POSITIVE_INFINITY;
    assertThatThrownBy(() -> UpdateCheck.check(global(), update(values), 1))
        .hasMessage("tensor 'big' holds a non-finite value (Infinity) at index 600000");
  }

  @Test
  void theFirstOfSeveralNonFiniteValuesIsNamed() throws Exception {
    float[] values = new float[SIZE];
    values[262_150] = Float.intBitsToFloat(0xffc00001); // a negative NaN with a payload
    values[SIZE - 1] = Float.NEGATIVE_INFINITY;
    assertThatThrownBy(() -> UpdateCheck.check(global(), update(values), 1))
        .hasMessage("tensor 'big' holds a non-finite value (NaN) at index 262150");
    values[262_150] = 0;
    assertThatThrownBy(() -> UpdateCheck.check(global(), update(values), 1))
        .hasMessage("tensor 'big' holds a non-finite value (-Infinity) at index 800000");
  }

  @Test
  void theExtremesOfTheFiniteRangePass() throws Exception {
    float[] values = new float[SIZE];
    float[] extremes = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -0f};
    for (int i = 0; i < values.length; i++) {
      values[i] = extremes[i % extremes.length];
    }
    assertThatCode(() -> UpdateCheck.check(global(), update(values), 1)).doesNotThrowAnyException();
  }
}
