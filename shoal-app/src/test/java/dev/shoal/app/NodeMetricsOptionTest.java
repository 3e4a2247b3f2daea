package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `shoal node --metrics HOST:PORT`: a bad address or a port in use is a one-line error. */
class NodeMetricsOptionTest extends InProcessCommandTest {

  @TempDir Path dir;

  @Test
  void anAddressThatIsNotHostPortIsRefused() {
    int code = shoal("node", "--coordinator", "127.0.0.1:1", "--data-path", dir.toString(), "--insecure",
        "--name", "site", "--metrics", "nonsense");
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("error: --metrics must be HOST:PORT, got 'nonsense'\n");
  }

  @Test
  void aPortInUseIsNamed() throws Exception {
    assertThat(shoal("data", "partition", "--clients", "1", "--seed", "1", "--out", dir.toString()))
        .as(err.toString(StandardCharsets.UTF_8)).isZero();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String at = "127.0.0.1:" + taken.getLocalPort();
      int code = shoal("node", "--coordinator", "127.0.0.1:1", "--data-path", dir.resolve("client-000").toString(),
          "--insecure", "--name", "site", "--metrics", at);
      assertThat(code).isEqualTo(1);
      String error = err.toString(StandardCharsets.UTF_8);
      assertThat(error).startsWith("error: --metrics: cannot serve HTTP on " + at + ": ").endsWith("\n");
      assertThat(error.lines().count()).isEqualTo(1);
    }
  }
}
