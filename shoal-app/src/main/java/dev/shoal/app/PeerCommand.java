package dev.shoal.app;

import dev.shoal.data.DataLoader;
import dev.shoal.data.DataSpec;
import dev.shoal.data.FederatedData;
import dev.shoal.djl.ModelZoo;
import dev.shoal.ledger.Cosigner;
import dev.shoal.peer.Acceptor;
import dev.shoal.store.BlobStore;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Trainer;
import dev.shoal.transport.PeerServer;
import dev.shoal.transport.PeerService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "peer",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run one peer of a serverless federation: no coordinator. Every peer listens and dials the",
      "others (mutual TLS with peer certificates), trains on its own data each round, and the",
      "members decide each round's model by a quorum of cosignatures on one shared ledger",
      "(docs/peer-to-peer.md). Started again on its state directory, it catches up from the others."
    })
final class PeerCommand implements Callable<Integer> {

  /** A peer's cosigner key, in its state directory; only a peer's state directory holds one there. */
  static final String COSIGNER_KEY = "cosigner.key";

  @Option(names = "--config", paramLabel = "FILE", description = "YAML job file with option values; every peer of a swarm runs the same job.")
  Path config;

  @Mixin SecurityOptions security;

  @Mixin ResourceOptions resourceOptions;

  @Option(names = "--crl", paramLabel = "FILE", description = "Revocation list to enforce on other peers, re-read whenever it changes (default: the kit's crl.pem).")
  Path crl;

  @Option(names = "--name", description = "This peer's name (default with --kit: the name in its certificate; required with --insecure).")
  String name;

  @Option(names = "--listen", defaultValue = "127.0.0.1:7480", paramLabel = "HOST:PORT", description = "Address to serve the other peers on; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(names = "--advertise", paramLabel = "HOST:PORT", description = "The address other peers reach this one at (default: the --listen address with the port it got).")
  String advertise;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT", split = ",", description = "Peers to greet first (repeatable, or comma-separated); the rest are learned from them.")
  List<String> bootstrap = new ArrayList<>();

  @Option(names = "--peers", required = true, paramLabel = "N", description = "How many peers found the swarm: the first round waits until this many have greeted each other, and a majority of them decides it.")
  int peers;

  @Option(names = "--data-path", required = true, paramLabel = "PATH", description = "This peer's data: a CSV file, a NumPy .npz, an image folder, an MNIST IDX directory or a directory of train.npz/test.npz.")
  Path dataPath;

  @Option(names = "--label", defaultValue = "label", paramLabel = "COLUMN", description = "The CSV column holding the label (default: ${DEFAULT-VALUE}).")
  String label;

  @Option(names = "--schema", paramLabel = "FILE", description = "The swarm's declaration of the data, so that this peer encodes as every other does (default: NAME.schema.json next to the data, or schema.json in its directory).")
  Path schema;

  @Option(names = "--state-dir", required = true, paramLabel = "DIR", description = "This peer's ledger, checkpoints, Paxos promises, cosigner key and models.")
  Path stateDir;

  @Option(names = "--model", defaultValue = "mlp", paramLabel = "NAME|FILE.pt", description = "logreg, mlp or cnn, a registered model, or a TorchScript file (default: ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--rounds", defaultValue = "10", description = "Number of rounds (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--local-epochs", defaultValue = "1", description = "Local epochs per round (default: ${DEFAULT-VALUE}).")
  int localEpochs;

  @Option(names = "--batch-size", defaultValue = "10", description = "Local mini-batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--lr", defaultValue = "0.1", description = "Local SGD learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--seed", defaultValue = "42", description = "Seed for initialisation and each peer's shuffling; the same in every peer (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--collect-timeout", defaultValue = "20", paramLabel = "SECONDS", description = "How long a round's first proposer waits for members that are silent; the others take over after it (default: ${DEFAULT-VALUE}).")
  long collectSeconds;

  @Option(names = "--mode", defaultValue = "swarm", paramLabel = "swarm|gossip", description = "swarm: every round is decided by a quorum on one shared ledger, one model for all; gossip: each peer averages with --neighbours others every round, no shared model or ledger (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--neighbours", defaultValue = "2", paramLabel = "K", description = "In gossip mode, how many peers each peer averages with every round (default: ${DEFAULT-VALUE}).")
  int neighbours;

  @Option(names = "--evict-after", defaultValue = "3", paramLabel = "ROUNDS", description = "A member with no update in this many rounds in a row leaves the membership, and joins again once back (default: ${DEFAULT-VALUE}).")
  int evictAfter;

  @Override
  public Integer call() throws Exception {
    Security sec = security.resolveForPeer(crl);
    name = sec.peerName(name);
    if (!sec.isTls()) {
      InsecureBanner.print(System.out);
    }
    if (peers < 1) {
      throw new UsageError("--peers must be at least 1, got " + peers);
    }
    if (!mode.equals("swarm") && !mode.equals("gossip")) {
      throw new UsageError("--mode must be swarm or gossip, not '" + mode + "'");
    }
    if (neighbours < 1) {
      throw new UsageError("--neighbours must be at least 1, got " + neighbours);
    }
    if (collectSeconds < 1 || evictAfter < 1 || rounds < 1) {
      throw new UsageError("--collect-timeout, --evict-after and --rounds must be at least 1");
    }
    HostPort at = HostPort.parse(listen, "--listen");
    System.out.println("resources: " + resourceOptions.apply().describe());
    List<String> seeds = bootstrap.stream().map(b -> {
      HostPort h = HostPort.parse(b, "--bootstrap");
      return h.host() + ":" + h.port();
    }).toList();
    FederatedData data = DataLoader.load(new DataSpec(dataPath, Optional.empty(), label, Optional.empty(),
        Optional.ofNullable(schema), DataSpec.DEFAULT_TEST_FRACTION, 42)).data();
    TrainingSpec training = new TrainingSpec(ModelZoo.resolve(model), localEpochs, batchSize, lr, seed);
    Trainer trainer = training.trainer(data.schema());
    ParameterSet initial = trainer.initialParameters(seed).withMetadata(training.initialMetadata());
    String run = "swarm-" + RunIdentity.of(training, new FederationSpec(rounds, 1.0, 1, 0.0, Duration.ofMinutes(10),
        StrategyChoice.DEFAULT, Privacy.NONE, new Provenance(true, Optional.empty(), 0), Optional.empty(),
        OptionalInt.of(peers)), Optional.empty()).configHash().substring("sha256:".length(), "sha256:".length() + 12);

    Files.createDirectories(stateDir);
    Cosigner cosigner = NodeWitness.cosigner(name, stateDir.resolve(COSIGNER_KEY));
    BlobStore blobs = BlobStore.open(stateDir.resolve("blobs"));
    var directory = new PeerDirectory(name, seeds, address -> {
      HostPort h = HostPort.parse(address, "peer address");
      return sec.dialPeer(h.host(), h.port());
    }, Clock.systemUTC(), 4 * peers + 16); // room for the swarm to grow, not for a flood of names
    try (SwarmLedger ledger = SwarmLedger.open(stateDir.resolve("ledger"), run, blobs)) {
      if (!mode.equals("gossip")) {
        ledger.removeUnreferencedBlobs();
      }
      var swarm = new Swarm(new Swarm.Settings(name, peers, rounds, Duration.ofSeconds(collectSeconds), evictAfter),
          trainer, training.fit(), data, initial, cosigner, Acceptor.open(stateDir.resolve("paxos.state")), blobs,
          ledger, directory, System.out);
      PeerServer server;
      try {
        server = sec.servePeers(at.host(), at.port(), new PeerService(swarm, blobs));
      } catch (java.io.IOException e) {
        throw new UserError("--listen %s:%d cannot be served (%s); choose another address with --listen HOST:PORT"
            .formatted(at.host(), at.port(), e.getMessage()));
      }
      try (server) {
        String self = advertise != null ? advertise : at.host() + ":" + server.port();
        swarm.listening(self);
        System.out.printf("peer %s: swarm %s, %d training and %d test examples, listening on %s, %s; initial model %s%n",
            name, run, data.train().size(), data.test().size(), self, sec.describe(), ContentId.of(initial));
        System.out.printf("peer %s: %s, ledger at round %d%n", name, seeds.isEmpty() ? "no bootstrap peers (others"
            + " must greet this one)" : "greeting " + String.join(", ", seeds), ledger.decided());
        if (mode.equals("gossip")) {
          writeModel(new GossipRounds(new GossipRounds.Peer(name, peers, rounds, Duration.ofSeconds(collectSeconds), seed,
              trainer, data, blobs, directory, System.out), swarm, initial).run(neighbours));
        } else {
          swarm.run();
          writeModel(ledger.model());
        }
      } finally {
        directory.close();
      }
    }
    return 0;
  }

  private void writeModel(ParameterSet model) throws java.io.IOException {
    Path out = stateDir.resolve("model.safetensors");
    dev.shoal.io.AtomicFile.write(out, o -> dev.shoal.tensor.Safetensors.write(model, o));
    System.out.printf("peer %s: wrote %s%n", name, out);
  }
}
