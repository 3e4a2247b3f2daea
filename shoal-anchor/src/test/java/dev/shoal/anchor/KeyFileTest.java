package dev.shoal.anchor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFileTest {

  /** Ganache's deterministic account 0: a public test key. */
  private static final String KEY = "4f3edf983ac636a65a842ce7c78d9aa706d3b113bce9c46f30d7d21715b23b1d";
  private static final String ADDRESS = "0x90f8bf6a479f320ead074411a4b0e7944ea8c9c1";

  @TempDir
  Path dir;

  private Path write(String content, String permissions) throws Exception {
    Path file = dir.resolve("chain.key");
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
    return file;
  }

  @Test
  void readsAHexKeyWithOrWithoutPrefix() throws Exception {
    assertThat(KeyFile.load(write(KEY, "rw-------")).getAddress()).isEqualTo(ADDRESS);
    assertThat(KeyFile.load(write("0x" + KEY + "\n", "r--------")).getAddress()).isEqualTo(ADDRESS);
  }

  @Test
  void refusesAKeyFileOthersCanRead() throws Exception {
    Path file = write(KEY, "rw-r--r--");
    assertThatThrownBy(() -> KeyFile.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("accessible by group or others (rw-r--r--)")
        .hasMessageContaining("chmod 600 " + file);
  }

  @Test
  void refusesAKeyFileTheGroupCanRead() throws Exception {
    assertThatThrownBy(() -> KeyFile.load(write(KEY, "rw-r-----")))
        .hasMessageContaining("accessible by group or others");
  }

  @Test
  void refusesContentThatIsNotOneHexKeyWithoutEchoingIt() throws Exception {
    assertThatThrownBy(() -> KeyFile.load(write("not a key at all", "rw-------")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("64 hex characters")
        .hasMessageNotContaining("not a key");
    String almost = "z" + KEY.substring(1);
    assertThatThrownBy(() -> KeyFile.load(write(almost, "rw-------")))
        .hasMessageContaining("not all hex digits")
        .hasMessageNotContaining(almost);
    assertThatThrownBy(() -> KeyFile.load(write("0".repeat(64), "rw-------")))
        .hasMessageContaining("zero key");
  }

  @Test
  void namesAMissingFile() {
    Path missing = dir.resolve("absent.key");
    assertThatThrownBy(() -> KeyFile.load(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key file " + missing + " does not exist");
  }
}
