package dev.shoal.app.ops;

import dev.shoal.round.RemoteClients;
import dev.shoal.round.RunListener;
import dev.shoal.round.RemoteClients.Journal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A coordinator's operations side: an {@link HttpEndpoint} (when an address is given) with
 * every {@link OperationsPart} registered on it, and the parts' event streams combined.
 */
public final class Operations implements AutoCloseable {

  private final Optional<HttpEndpoint> http;
  private final List<OperationsPart> parts;

  private Operations(Optional<HttpEndpoint> http, List<OperationsPart> parts) {
    this.http = http;
    this.parts = parts;
  }

  /** Serves on {@code host:port} when {@code address} is present; nothing at all otherwise. */
  public static Operations start(Optional<Address> address, LiveRun run) {
    if (address.isEmpty()) {
      return new Operations(Optional.empty(), List.of());
    }
    HttpEndpoint http = HttpEndpoint.open(address.get().host(), address.get().port(), address.get().allowedHosts());
    List<OperationsPart> parts = List.of(new CoordinatorMetrics(run), new Dashboard());
    parts.forEach(p -> p.register(http, run));
    return new Operations(Optional.of(http), parts);
  }

  /**
   * Where to serve HTTP; port 0 picks a free one. {@code allowedHosts} are the names besides
   * {@code host}, {@code localhost} and IP addresses that requests may address it by.
   */
  public record Address(String host, int port, java.util.Set<String> allowedHosts) {
    public Address(String host, int port) {
      this(host, port, java.util.Set.of());
    }
  }

  /** The endpoint's URL, when it serves. */
  public Optional<String> url() {
    return http.map(HttpEndpoint::url);
  }

  public RunListener events() {
    List<RunListener> listeners = parts.stream().map(OperationsPart::events).toList();
    return event -> listeners.forEach(l -> l.on(event));
  }

  /** The parts' journals after {@code first}, which is told first. */
  public Journal nodes(Journal first) {
    List<Journal> all = new java.util.ArrayList<>(List.of(first));
    parts.forEach(p -> all.add(p.nodes()));
    return new Journal() {
      @Override
      public void online(String node, Instant at) {
        all.forEach(j -> j.online(node, at));
      }

      @Override
      public void seen(String node, Instant at) {
        all.forEach(j -> j.seen(node, at));
      }

      @Override
      public void offline(String node, Instant lastSeen) {
        all.forEach(j -> j.offline(node, lastSeen));
      }

      @Override
      public void instructed(String node, RemoteClients.Work work, Instant at) {
        all.forEach(j -> j.instructed(node, work, at));
      }

      @Override
      public void outcome(String node, RemoteClients.Kind kind, int round, RemoteClients.Outcome outcome,
          String reason, Instant at) {
        all.forEach(j -> j.outcome(node, kind, round, outcome, reason, at));
      }
    };
  }

  @Override
  public void close() {
    http.ifPresent(HttpEndpoint::close);
  }
}
