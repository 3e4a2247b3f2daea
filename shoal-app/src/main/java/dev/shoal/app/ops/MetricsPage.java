package dev.shoal.app.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * {@code /metrics}: one registry in the format the scraper asks for in its {@code Accept} header
 * (OpenMetrics or the Prometheus text format; the text format when it names neither).
 */
final class MetricsPage implements HttpHandler {

  /** Where a coordinator or node serves its metrics. */
  static final String PATH = "/metrics";

  private final PrometheusRegistry registry;
  private final ExpositionFormats formats = ExpositionFormats.init();

  MetricsPage(PrometheusRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals(PATH)) {
        HttpEndpoint.respond(exchange, 404, "text/plain; charset=utf-8", "no such page: " + exchange.getRequestURI().getPath() + "\n");
        return;
      }
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        HttpEndpoint.respond(exchange, 405, "text/plain; charset=utf-8", "/metrics answers GET only\n");
        return;
      }
      ExpositionFormatWriter writer = formats.findWriter(exchange.getRequestHeaders().getFirst("Accept"));
      if (!writer.isAvailable()) { // the protobuf format needs a library Shoal does not ship
        writer = formats.getPrometheusTextFormatWriter();
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
      writer.write(body, registry.scrape());
      exchange.getResponseHeaders().set("Content-Type", writer.getContentType());
      boolean head = method.equals("HEAD");
      exchange.sendResponseHeaders(200, head ? -1 : body.size());
      if (!head) {
        try (var out = exchange.getResponseBody()) {
          body.writeTo(out);
        }
      }
    }
  }
}
