package dev.shoal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.data.Dataset;
import dev.shoal.federation.RunStatus;
import dev.shoal.node.NodeAgent;
import dev.shoal.round.RemoteClients;
import dev.shoal.round.RoundEngine;
import dev.shoal.round.RunConfig;
import dev.shoal.round.RunEvent;
import dev.shoal.store.BlobStore;
import dev.shoal.strategy.FedAvg;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Setting;
import dev.shoal.train.Settings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A strategy's open settings reach the node's trainer over gRPC with no change to the wire
 * format; a node that does not understand a required one refuses the round with the reason.
 */
class SettingsOverTheWireTest {

  @TempDir Path dir;

  /** Keeps the model; records the settings it was given, and understands {@code understood}. */
  record RecordingTrainer(Set<String> understood, List<Settings> seen) implements dev.shoal.train.Trainer {
    @Override
    public ParameterSet initialParameters(long seed) {
      return new TransportTest.LabelTrainer().initialParameters(seed);
    }

    @Override
    public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config) {
      seen.add(config.settings());
      return new FitOutcome(parameters, data.size(), java.util.Map.of());
    }

    @Override
    public Evaluation evaluate(ParameterSet parameters, Dataset data) {
      return new Evaluation(data.size(), 0.5, 0.5);
    }

    @Override
    public Set<String> understoodSettings() {
      return understood;
    }
  }

  @Test
  void settingsArriveAndAnUnknownRequiredOneIsRefusedWithItsName() throws Exception {
    var clients = new RemoteClients(Clock.systemUTC(), Duration.ofSeconds(30));
    var service = new FederationService(clients, BlobStore.open(dir.resolve("blobs")),
        () -> new RunStatus("test", 0, 0, 0, "waiting", List.of()), Duration.ofMillis(50), Duration.ofMillis(10));
    List<Settings> seenByNew = new CopyOnWriteArrayList<>();
    List<Settings> seenByOld = new CopyOnWriteArrayList<>();
    try (CoordinatorServer server = CoordinatorServer.startInsecure("127.0.0.1", 0, service);
        var linkA = GrpcCoordinatorLink.insecure("127.0.0.1", server.port(), dir.resolve("a"));
        var linkB = GrpcCoordinatorLink.insecure("127.0.0.1", server.port(), dir.resolve("b"))) {
      var upgraded = new NodeAgent("upgraded", linkA, p -> new RecordingTrainer(Set.of("proximal-mu"), seenByNew),
          TransportTest.data(1, 10), TransportTest.FAST, 1);
      var older = new NodeAgent("older", linkB, p -> new RecordingTrainer(Set.of(), seenByOld),
          TransportTest.data(2, 10), TransportTest.FAST, 2);
      List.of(upgraded, older).forEach(a -> Thread.ofVirtual().start(a));
      while (clients.available().size() < 2) {
        Thread.sleep(10);
      }
      Settings settings = Settings.NONE.with("proximal-mu", new Setting.Number(0.01, true))
          .with("note", new Setting.Text("optional", false));
      var failures = new ConcurrentHashMap<String, String>();
      var engine = new RoundEngine(new FedAvg(new FitConfig(1, 10, 0.1, 1).withSettings(settings), 1.0, 1, 0.0),
          clients, new RunConfig(1, 1, Duration.ofSeconds(20), 1), Optional.empty(), e -> {
            if (e instanceof RunEvent.ClientFailed f) {
              failures.put(f.clientId(), f.reason());
            }
          });
      engine.run(new TransportTest.LabelTrainer().initialParameters(0));
      upgraded.stop();
      older.stop();
      // the strategy's settings, and the optional ones the engine adds for relays, typed as they were sent
      assertThat(seenByNew).singleElement().satisfies(seen -> {
        assertThat(seen.values()).containsAllEntriesOf(settings.values());
        assertThat(seen.get(dev.shoal.strategy.Relaying.STRATEGY)).contains(new Setting.Text("fedavg", false));
        assertThat(seen.get(dev.shoal.strategy.Relaying.SEED)).contains(new Setting.Integer(1, false));
      });
      assertThat(seenByOld).isEmpty();
      assertThat(failures).containsOnlyKeys("older");
      assertThat(failures.get("older")).contains("requires setting(s) proximal-mu, which this node does not understand");
    }
  }
}
