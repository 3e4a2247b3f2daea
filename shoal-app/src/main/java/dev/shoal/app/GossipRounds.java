package dev.shoal.app;

import dev.shoal.data.FederatedData;
import dev.shoal.federation.Waits;
import dev.shoal.peer.UpdateOffer;
import dev.shoal.store.BlobStore;
import dev.shoal.strategy.Metadata;
import dev.shoal.strategy.Seeds;
import dev.shoal.strategy.UpdateCheck;
import dev.shoal.strategy.UpdateRejectedException;
import dev.shoal.strategy.WeightedSum;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.SafetensorsFile;
import dev.shoal.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gossip mode of a serverless federation (decentralised SGD, as in Lian et al. 2017): nothing is
 * decided together and no model is shared. Each round a peer trains its own model, offers the
 * result, and averages it with the results of {@code neighbours} peers drawn afresh each round
 * (seeded by the round and its name), weighted by example counts. Each peer fetches k updates a
 * round instead of every peer's; the peers' models drift apart and are pulled together round
 * after round. The swarm's exchange (greetings, offers, fetching) carries it.
 */
final class GossipRounds {

  private static final Logger log = LoggerFactory.getLogger(GossipRounds.class);

  /** What gossip needs of the rest of the peer. */
  record Peer(String name, int peers, int rounds, Duration collect, long seed, Trainer trainer, FederatedData data,
      BlobStore blobs, PeerDirectory directory, PrintStream console) {}

  private final Peer peer;
  private final Swarm exchange;
  private volatile long round;
  private volatile ParameterSet model;

  GossipRounds(Peer peer, Swarm exchange, ParameterSet initial) {
    this.peer = peer;
    this.exchange = exchange;
    this.model = initial;
  }

  /** Runs the rounds, then serves a while for neighbours still behind; returns this peer's model. */
  ParameterSet run(int neighbours) throws IOException {
    exchange.gossiping(() -> round);
    Thread greetings = exchange.startGreetings();
    try {
      Waits.whileTrue(() -> peer.directory().alive(Swarm.ALIVE).size() + 1 < peer.peers(), peer.collect().multipliedBy(3));
      for (long r = 1; r <= peer.rounds(); r++) {
        ParameterSet from = model;
        UpdateOffer mine = exchange.train(r, from);
        List<String> chosen = neighbours(r, neighbours);
        long now = r;
        Waits.whileTrue(() -> !exchange.offersIn(now).keySet().containsAll(chosen), peer.collect());
        WeightedSum sum = new WeightedSum(from);
        sum.add(peer.blobs().openModel(mine.update()), mine.examples());
        List<String> used = new ArrayList<>();
        for (String n : chosen) {
          if (add(sum, from, r, n)) {
            used.add(n);
          }
        }
        model = sum.mean(Metadata.forRound(from.metadata(), (int) r));
        round = r;
        var eval = peer.trainer().evaluate(peer.trainer().complete(model), peer.data().test());
        peer.console().printf("peer %s: gossip round %d, averaged with %s, model %s; accuracy %.4f on %d local test"
            + " examples%n", peer.name(), r, used, ContentId.of(model).value().substring(0, 19), eval.accuracy(),
            eval.numExamples());
      }
      String id = ContentId.of(model).value();
      peer.console().printf("peer %s: gossip round %d done, the run is over; model %s (CID %s)%n", peer.name(),
          peer.rounds(), id, new ContentId(id).cid());
      exchange.greet(); // every peer learns at once that this one is done, as in swarm rounds
      Waits.whileTrue(() -> peer.directory().known().stream().anyMatch(k -> k.decided() < peer.rounds()),
          Swarm.LINGER);
      return model;
    } finally {
      greetings.interrupt();
    }
  }

  /** Adds neighbour {@code n}'s update of round {@code r}, if it came and checks out. */
  private boolean add(WeightedSum sum, ParameterSet from, long r, String n) {
    UpdateOffer o = exchange.offersIn(r).get(n);
    try {
      if (o == null) {
        throw new IOException("no update offered in time");
      }
      exchange.ensureBlob(o.update(), List.of(n));
      SafetensorsFile update = peer.blobs().openModel(o.update());
      UpdateCheck.check(from, update, o.examples());
      sum.add(update, o.examples());
      return true;
    } catch (IOException | UpdateRejectedException e) {
      log.warn("neighbour left out peer={} round={} neighbour={} reason=\"{}\"", peer.name(), r, n, e.getMessage());
      return false;
    }
  }

  /** The neighbours of round {@code r}: {@code k} of the peers heard from lately, drawn by the round and this peer's name. */
  private List<String> neighbours(long r, int k) {
    List<String> alive = new ArrayList<>(peer.directory().alive(Swarm.ALIVE));
    alive.sort(null);
    Collections.shuffle(alive, new Random(Seeds.derive(peer.seed(), (int) r, peer.name())));
    return List.copyOf(alive.subList(0, Math.min(k, alive.size())));
  }
}
