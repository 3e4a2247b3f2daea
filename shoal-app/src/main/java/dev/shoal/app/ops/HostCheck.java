package dev.shoal.app.ops;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import dev.shoal.pki.Names;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a request only when its {@code Host} header names this endpoint: an IP address (v4 or
 * v6), {@code localhost}, the host the endpoint was bound to, or a name given with {@code
 * --http-allowed-host}. A web page from another site that re-points its own DNS name at this
 * address (DNS rebinding) sends that name, and is refused, so it cannot read the dashboard or
 * the metrics through a browser on the coordinator's network.
 */
final class HostCheck extends Filter {

  private static final Logger log = LoggerFactory.getLogger(HostCheck.class);
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final Set<String> allowed = new TreeSet<>();

  HostCheck(String boundHost, Set<String> names) {
    allowed.add("localhost");
    allowed.add(boundHost.toLowerCase(Locale.ROOT));
    names.forEach(n -> allowed.add(n.toLowerCase(Locale.ROOT)));
  }

  /** Whether a request with this {@code Host} header may be served. */
  boolean allows(String hostHeader) {
    if (hostHeader == null) {
      return false;
    }
    String host = hostHeader.trim().toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      return host.matches("\\[[0-9a-f:.]+](:\\d+)?"); // an IPv6 literal
    }
    int colon = host.lastIndexOf(':');
    if (colon >= 0) {
      host = host.substring(0, colon);
    }
    return IPV4.matcher(host).matches() || allowed.contains(host) || host.endsWith(".localhost");
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (allows(host)) {
      chain.doFilter(exchange);
      return;
    }
    log.warn("http request refused host={} path={} reason=\"host not allowed\"", Names.printable(host),
        Names.printable(exchange.getRequestURI().getPath()));
    try (exchange) {
      HttpEndpoint.respond(exchange, 421, "text/plain; charset=utf-8",
          "this server does not answer to the host name " + Names.printable(host) + "; allowed: " + allowed
              + " and IP addresses (add names with --http-allowed-host)\n");
    }
  }

  @Override
  public String description() {
    return "Host header allow-list";
  }
}
