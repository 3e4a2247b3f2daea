package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --insecure} checks names as strictly as certificates do, and says loudly what it is. */
class InsecureCommandTest extends InProcessCommandTest {

  @TempDir Path tmp;

  @Test
  void aNodeNameOutsideTheGrammarIsRefusedBeforeDialling() {
    for (String name : new String[] {"../../x", "a/b", "<b>x</b>", "a\nb"}) {
      assertThat(shoal("node", "--insecure", "--name", name, "--coordinator", "127.0.0.1:1",
          "--data-path", tmp.toString())).as(name).isEqualTo(2);
      assertThat(err.toString()).as(name).contains("is not a valid node name").doesNotContain("Exception");
    }
    assertThat(err.toString()).contains("'a\\nb'");
  }

  @Test
  void statusPrintsTheBannerForAPlaintextCoordinator() {
    assertThat(shoal("status", "--insecure", "--coordinator", "127.0.0.1:1")).isEqualTo(1);
    assertThat(out.toString()).contains("INSECURE: plaintext gRPC (--insecure)");
  }
}
