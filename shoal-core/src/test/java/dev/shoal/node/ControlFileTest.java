package dev.shoal.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlFileTest {

  @TempDir Path dir;

  private static ParameterSet control() {
    return new ParameterSet(List.of(new Tensor("fc.weight", new int[] {2, 2}, new float[] {1, -2, 3, -4})));
  }

  @Test
  void aSavedControlVariateIsLoadedBack() {
    ControlFile file = ControlFile.in(dir.resolve("state"));
    assertThat(file.load()).isEmpty();
    file.save(control());
    assertThat(file.load()).hasValueSatisfying(c -> assertThat(c.read("fc.weight").data()).containsExactly(1, -2, 3, -4));
  }

  @Test
  void aTruncatedFileIsSetAsideAndTheNodeStartsFromZero() throws Exception {
    ControlFile file = ControlFile.in(dir);
    file.save(control());
    byte[] bytes = Files.readAllBytes(file.file());
    Files.write(file.file(), Arrays.copyOf(bytes, bytes.length / 2));
    assertThat(file.load()).isEmpty();
    assertThat(file.file()).doesNotExist();
    assertThat(dir.resolve(ControlFile.NAME + ".damaged")).exists();
    file.save(control());
    assertThat(file.load()).isPresent();
  }

  @Test
  void aFileWithAFlippedHeaderLengthIsSetAside() throws Exception {
    assertSetAsideWith(5, 0x40); // the header's length, little-endian: now far past the file's end
  }

  @Test
  void aFlippedBitInTheValuesIsFoundAndTheFileSetAside() throws Exception {
    assertSetAsideWith(-1, 0x01); // the last value's last byte: still a valid float, now a wrong one
  }

  /** Saves a variate, flips {@code mask} in byte {@code at} (from the end when negative), and expects the file set aside. */
  private void assertSetAsideWith(int at, int mask) throws Exception {
    ControlFile file = ControlFile.in(dir);
    file.save(control());
    byte[] bytes = Files.readAllBytes(file.file());
    bytes[at < 0 ? bytes.length + at : at] ^= (byte) mask;
    Files.write(file.file(), bytes);
    assertThat(file.load()).isEmpty();
    assertThat(dir.resolve(ControlFile.NAME + ".damaged")).exists();
  }

  @Test
  void aFileWrittenWithoutAChecksumIsTakenAsItIs() throws Exception {
    ControlFile file = ControlFile.in(dir);
    Files.write(file.file(), dev.shoal.tensor.Safetensors.encode(control()));
    assertThat(file.load()).hasValueSatisfying(c -> assertThat(c.read("fc.weight").data()).containsExactly(1, -2, 3, -4));
  }

  @Test
  void theChecksumIsNotPartOfTheLoadedVariate() {
    ControlFile file = ControlFile.in(dir);
    file.save(control());
    assertThat(file.load()).hasValueSatisfying(c -> assertThat(c.metadata()).doesNotContainKey(ControlFile.CHECKSUM));
  }
}
