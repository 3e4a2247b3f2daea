package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `shoal relay` and `shoal pki issue --role relay` through the command line, in-process: what is refused before anything is served. */
class RelayCommandTest extends InProcessCommandTest {

  @TempDir Path tmp;

  @Test
  void aRelayKitIsIssuedWithItsRoleAndTheRevocationList() {
    Path ca = tmp.resolve("ca");
    assertThat(shoal("pki", "init", "--out", ca.toString())).isZero();
    Path kit = tmp.resolve("relay-a");
    assertThat(shoal("pki", "issue", "--ca", ca.toString(), "--name", "relay-a", "--role", "relay",
        "--out", kit.toString())).as(err.toString()).isZero();
    assertThat(out.toString()).contains("CN=relay-a,OU=relay");
    assertThat(kit.resolve("crl.pem")).exists();
  }

  @Test
  void aRelayRefusesAKitOfAnotherRole() {
    Path ca = tmp.resolve("ca");
    assertThat(shoal("pki", "init", "--out", ca.toString())).isZero();
    for (String role : new String[] {"node", "coordinator"}) {
      Path kit = tmp.resolve(role);
      assertThat(shoal("pki", "issue", "--ca", ca.toString(), "--name", "x-" + role, "--role", role,
          "--out", kit.toString())).isZero();
      assertThat(shoal("relay", "--parent", "127.0.0.1:1", "--listen", "127.0.0.1:0", "--kit", kit.toString()))
          .isEqualTo(1);
      assertThat(err.toString()).contains("a relay needs a kit issued with --role relay")
          .doesNotContain("Exception");
    }
  }

  @Test
  void badSettingsAreRefusedNamingTheOption() throws Exception {
    assertThat(shoal("relay", "--parent", "127.0.0.1:1", "--insecure")).isEqualTo(2);
    assertThat(err.toString()).contains("--name is required with --insecure");
    assertThat(shoal("relay", "--parent", "127.0.0.1:1", "--insecure", "--name", "r", "--min-nodes", "0")).isEqualTo(1);
    assertThat(err.toString()).contains("--min-nodes must be >= 1, got 0");
    assertThat(shoal("relay", "--parent", "nowhere", "--insecure", "--name", "r",
        "--state-dir", tmp.resolve("s").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("--parent must be HOST:PORT, got 'nowhere'");
    assertThat(Files.exists(tmp.resolve("s"))).isFalse();
  }
}
