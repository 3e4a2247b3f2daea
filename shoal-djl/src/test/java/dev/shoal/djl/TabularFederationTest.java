package dev.shoal.djl;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shoal.data.DataLoader;
import dev.shoal.data.DataSpec;
import dev.shoal.data.FederatedData;
import dev.shoal.data.Partitioner;
import dev.shoal.data.Task;
import dev.shoal.round.InProcessClients;
import dev.shoal.round.RoundEngine;
import dev.shoal.round.RunConfig;
import dev.shoal.strategy.FedAvg;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The shipped tabular data federated over five sites with Dirichlet label skew (regression
 * targets skewed by their quantile bins) reaches what centralised training of the same model on
 * the pooled data reaches: within 2 points of accuracy, within 0.05 of R². Centralised training
 * is the same engine with one client holding all the training data, for as many epochs as the
 * federation runs rounds.
 */
class TabularFederationTest {

  private static final Path EXAMPLES = Path.of("..", "examples", "data");

  @Test
  void breastCancerOverFiveSkewedSitesMatchesCentralisedAccuracy() throws Exception {
    FederatedData data = load("breast_cancer.csv", "diagnosis");
    assertThat(data.schema().task()).isEqualTo(Task.BINARY);
    var fit = new FitConfig(1, 10, 0.1, 7);

    Evaluation federated = run(data, "mlp", 5, fit, 15);
    Evaluation central = run(data, "mlp", 1, fit, 15);

    System.out.printf("breast_cancer mlp: federated accuracy %.4f, centralised %.4f%n", federated.accuracy(), central.accuracy());
    assertThat(central.accuracy()).isGreaterThan(0.93);
    assertThat(federated.accuracy()).isCloseTo(central.accuracy(), org.assertj.core.data.Offset.offset(0.02));
  }

  /** Wine's test split is 36 examples (one is 2.8 points), too few for the 2-point comparison: both must learn. */
  @Test
  void wineThreeClassesOverFiveSkewedSitesLearns() throws Exception {
    FederatedData data = load("wine.csv", "cultivar");
    assertThat(data.schema().task()).isEqualTo(Task.CLASSIFICATION);
    var fit = new FitConfig(1, 5, 0.05, 7);

    Evaluation federated = run(data, "logreg", 5, fit, 20);
    Evaluation central = run(data, "logreg", 1, fit, 20);

    System.out.printf("wine logreg: federated accuracy %.4f, centralised %.4f%n", federated.accuracy(), central.accuracy());
    assertThat(central.accuracy()).isGreaterThan(0.9);
    assertThat(federated.accuracy()).isGreaterThan(0.9);
    assertThat(federated.metrics()).containsKey(Metrics.MACRO_F1);
  }

  @Test
  void diabetesRegressionOverFiveSkewedSitesMatchesCentralisedR2() throws Exception {
    FederatedData data = load("diabetes.csv", "progression");
    assertThat(data.schema().task()).isEqualTo(Task.REGRESSION);
    var fit = new FitConfig(1, 10, 0.01, 7);

    Evaluation federated = run(data, "logreg", 5, fit, 20);
    Evaluation central = run(data, "logreg", 1, fit, 20);

    double fedR2 = federated.metrics().get(Metrics.R2);
    double centralR2 = central.metrics().get(Metrics.R2);
    System.out.printf("diabetes logreg: federated R2 %.4f, centralised %.4f%n", fedR2, centralR2);
    assertThat(centralR2).isGreaterThan(0.4);
    assertThat(fedR2).isCloseTo(centralR2, org.assertj.core.data.Offset.offset(0.05));
  }

  private static FederatedData load(String file, String label) throws Exception {
    return DataLoader.load(new DataSpec(EXAMPLES.resolve(file), Optional.empty(), label, Optional.empty(),
        Optional.empty(), 0.2, 1)).data();
  }

  /** FedAvg of {@code clients} sites (Dirichlet 0.5 split) for {@code rounds}; the global model on the test split. */
  private static Evaluation run(FederatedData data, String model, int clients, FitConfig fit, int rounds) {
    DjlTrainer trainer = ModelZoo.builtIn().newTrainer(model, data.schema());
    List<FederatedData> parts = clients == 1 ? List.of(data) : new Partitioner.Dirichlet(0.5).split(data, clients, 3);
    var engine = new RoundEngine(new FedAvg(fit, 1.0, clients, 0.0),
        new InProcessClients(trainer, InProcessClients.named(parts), 1),
        new RunConfig(rounds, clients, Duration.ofMinutes(10), 1), Optional.empty(), event -> { });
    ParameterSet result = engine.run(trainer.initialParameters(1));
    return trainer.evaluate(result, data.test());
  }
}
