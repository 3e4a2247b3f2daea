package dev.shoal.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnbufferedFileTest {

  @TempDir Path dir;

  /** Sizes around the block (4 KiB) and the staging buffer (1 MiB), written in parts of every size, heap and direct. */
  @ParameterizedTest(name = "{0} bytes in parts of up to {1}, direct {2}")
  @CsvSource({
      "0, 1, true", "1, 1, true", "4095, 1000, true", "4096, 4096, true", "4097, 7, true",
      "1048576, 65536, true", "1048577, 300000, true", "3000001, 1048576, true", "6653480, 16384, true",
      "0, 1, false", "4097, 7, false", "3000001, 1048576, false"})
  void holdsExactlyTheBytesWritten(int size, int maxPart, boolean direct) throws IOException {
    byte[] content = new byte[size];
    Random random = new Random(size);
    random.nextBytes(content);
    Path file = Files.createFile(dir.resolve("upload.tmp"));
    try (UnbufferedFile out = UnbufferedFile.open(file, direct)) {
      assertThat(out.direct()).as("direct when asked, on a file system that allows it").isEqualTo(direct && allowsDirect());
      for (int at = 0; at < size; ) {
        int n = Math.min(size - at, 1 + random.nextInt(maxPart));
        ByteBuffer part = random.nextBoolean() ? ByteBuffer.allocateDirect(n) : ByteBuffer.allocate(n + 3).position(3);
        part.put(content, at, n).flip().position(part.capacity() - n);
        out.write(part.asReadOnlyBuffer(), ByteBuffer.allocate(0));
        at += n;
      }
      out.finish();
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(content);
  }

  /** Whether this file system opens files with O_DIRECT (ext4 and xfs do, tmpfs does not). */
  private boolean allowsDirect() throws IOException {
    Path probe = Files.createFile(dir.resolve("probe"));
    try (FileChannel c = FileChannel.open(probe, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)) {
      return c.isOpen();
    } catch (IOException | UnsupportedOperationException refused) {
      return false;
    }
  }
}
