package dev.shoal.app.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The plain-HTTP side of a coordinator or node: {@code /healthz} always, plus whatever the
 * operations parts register ({@code /metrics}, the dashboard). Requests are served on virtual
 * threads, so a slow client or a long-lived event stream holds no platform thread.
 */
public final class HttpEndpoint implements AutoCloseable {

  private final HttpServer server;
  private final HostCheck hosts;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

  private HttpEndpoint(HttpServer server, HostCheck hosts) {
    this.server = server;
    this.hosts = hosts;
    server.setExecutor(executor);
    // liveness probes dial whatever name their platform knows the process by
    server.createContext("/healthz", exchange -> respond(exchange, 200, "text/plain; charset=utf-8", "ok\n"));
    server.start();
  }

  /**
   * Serves on {@code host:port} whatever host a request names (a node's {@code /metrics}, which
   * has no page to read through a browser); port 0 picks a free one (see {@link #port()}).
   */
  public static HttpEndpoint open(String host, int port) {
    try {
      return new HttpEndpoint(HttpServer.create(new InetSocketAddress(host, port), 64), null);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve HTTP on %s:%d: %s".formatted(host, port, e.getMessage()), e);
    }
  }

  /**
   * Serves on {@code host:port}, answering requests whose {@code Host} is an IP address, {@code
   * localhost}, {@code host} or one of {@code allowedHosts} (see {@link HostCheck}).
   */
  public static HttpEndpoint open(String host, int port, Set<String> allowedHosts) {
    try {
      return new HttpEndpoint(HttpServer.create(new InetSocketAddress(host, port), 64),
          new HostCheck(host, allowedHosts));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve HTTP on %s:%d: %s".formatted(host, port, e.getMessage()), e);
    }
  }

  /** Serves {@code handler} for {@code path} and every path below it. */
  public void register(String path, HttpHandler handler) {
    var context = server.createContext(path, handler);
    if (hosts != null) {
      context.getFilters().add(hosts);
    }
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port} as a client would dial it. */
  public String url() {
    return "http://%s:%d".formatted(server.getAddress().getHostString(), port());
  }

  /** Sends a whole response and closes the exchange. */
  public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
