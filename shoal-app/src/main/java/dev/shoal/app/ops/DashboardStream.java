package dev.shoal.app.ops;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Server-sent events to the dashboard's open pages. Each page has a bounded queue of its own:
 * {@link #publish} only offers to the queues and never waits, and a page whose queue is full has
 * fallen behind and is dropped (it reconnects and starts again from a snapshot). Each page's
 * connection is written by its own (virtual) thread; a connection found closed, when written or
 * by the periodic keep-alive comment, is removed.
 */
final class DashboardStream {

  /** Frames a page may have waiting before it counts as fallen behind. */
  static final int QUEUE = 256;
  /** Pages served at once; more get 503. */
  static final int MAX_CLIENTS = 32;
  static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private final List<Client> clients = new CopyOnWriteArrayList<>();

  /** One open page. */
  private static final class Client {
    final BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
    volatile boolean dropped;
  }

  /** How many pages are connected. */
  int clients() {
    return clients.size();
  }

  /** One SSE frame: {@code event: NAME} and the JSON on one {@code data:} line. */
  static String frame(String event, String json) {
    return "event: " + event + "\ndata: " + json.replace("\n", "\ndata: ") + "\n\n";
  }

  /** Offers {@code frame} to every page, dropping pages whose queue is full; never blocks. */
  void publish(String frame) {
    for (Client c : clients) {
      if (!c.queue.offer(frame)) {
        c.dropped = true;
        c.queue.clear();
        clients.remove(c);
      }
    }
  }

  /**
   * Serves one page until it goes away or falls behind: the first frame is {@code first}, built
   * after the page is registered so nothing published meanwhile is missed (the page tells repeats
   * by their round or sequence number).
   */
  void serve(HttpExchange exchange, Supplier<String> first) throws IOException {
    if (clients.size() >= MAX_CLIENTS) {
      HttpEndpoint.respond(exchange, 503, "text/plain; charset=utf-8",
          "too many dashboard pages open (at most " + MAX_CLIENTS + ")\n");
      return;
    }
    Client client = new Client();
    clients.add(client);
    try (exchange) {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      write(out, "retry: 2000\n\n" + first.get());
      while (!client.dropped) {
        String frame = client.queue.poll(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
        if (client.dropped) {
          break;
        }
        write(out, frame == null ? ": keep-alive\n\n" : frame);
      }
    } catch (IOException e) {
      // the page went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the endpoint is closing
    } finally {
      clients.remove(client);
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
