package dev.shoal.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The HTTP side answers only to names it is known by, so a page on another site that points its
 * own DNS name at the coordinator (DNS rebinding) cannot read the dashboard or the metrics.
 */
class HostCheckTest {

  /** Sends one GET with this Host header; returns the status line. */
  static String get(int port, String path, String host) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port));
      OutputStream out = s.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return response.lines().findFirst().orElse("");
    }
  }

  @Test
  void aRebindingHostIsRefusedAndKnownOnesAreServed() throws Exception {
    try (HttpEndpoint http = HttpEndpoint.open("127.0.0.1", 0, Set.of("hub.example.org"))) {
      http.register("/metrics", exchange -> HttpEndpoint.respond(exchange, 200, "text/plain", "x 1\n"));
      int port = http.port();
      assertThat(get(port, "/metrics", "attacker.example:" + port)).contains("421");
      assertThat(get(port, "/metrics", "attacker.localhost.example.com")).contains("421");
      assertThat(get(port, "/metrics", "127.0.0.1:" + port)).contains("200");
      assertThat(get(port, "/metrics", "localhost:" + port)).contains("200");
      assertThat(get(port, "/metrics", "10.1.2.3:" + port)).contains("200");
      assertThat(get(port, "/metrics", "[::1]:" + port)).contains("200");
      assertThat(get(port, "/metrics", "HUB.example.org:" + port)).contains("200");
      // liveness probes dial whatever name they know
      assertThat(get(port, "/healthz", "attacker.example")).contains("200");
    }
  }

  @Test
  void theHostListIsParsedStrictly() {
    HostCheck check = new HostCheck("0.0.0.0", Set.of());
    assertThat(check.allows(null)).isFalse();
    assertThat(check.allows("")).isFalse();
    assertThat(check.allows("127.0.0.1.attacker.example")).isFalse();
    assertThat(check.allows("[::1].attacker.example")).isFalse();
    assertThat(check.allows("dev.localhost:8080")).isTrue();
  }
}
