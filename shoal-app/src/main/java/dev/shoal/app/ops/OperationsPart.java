package dev.shoal.app.ops;

import dev.shoal.round.RemoteClients;
import dev.shoal.round.RunListener;

/**
 * One operations feature of a coordinator (metrics, the dashboard): it registers its HTTP
 * handlers, and hears the run's events and what becomes of nodes and their work.
 */
public interface OperationsPart {

  /** Called once, before the first round. */
  void register(HttpEndpoint http, LiveRun run);

  /** The engine's events; must return quickly. */
  default RunListener events() {
    return event -> {};
  }

  /** Nodes and their work; called under the clients' lock, so it must return at once. */
  default RemoteClients.Journal nodes() {
    return RemoteClients.Journal.NONE;
  }
}
