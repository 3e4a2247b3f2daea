package dev.shoal.app.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.transport.proto.StatusReply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A coordinator serving plaintext gRPC ({@code --insecure}) says so on its dashboard. */
class InsecureDashboardTest {

  private final HttpClient client = HttpClient.newHttpClient();

  String get(HttpEndpoint http, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(http.url() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void thePageCarriesTheBannerAndTheStateSaysWhetherToShowIt() throws Exception {
    for (boolean plaintext : new boolean[] {true, false}) {
      try (HttpEndpoint http = HttpEndpoint.open("127.0.0.1", 0)) {
        StatusReply status = StatusReply.newBuilder().setRun("r").setTotalRounds(2).setState("running")
            .setPlaintext(plaintext).build();
        new Dashboard().register(http, new LiveRun("r", 2, () -> status, Optional.empty()));
        assertThat(get(http, "/api/state")).contains("\"plaintext\":" + plaintext);
        assertThat(get(http, "/")).contains("id=\"insecure-banner\"", "INSECURE");
        assertThat(get(http, "/dashboard.js")).contains("byId('insecure-banner').hidden = s.plaintext !== true");
      }
    }
  }
}
