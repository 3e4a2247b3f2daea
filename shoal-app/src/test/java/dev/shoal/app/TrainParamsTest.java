package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shoal.data.MnistSample;
import dev.shoal.djl.IncompatibleParametersException;
import dev.shoal.djl.ModelZoo;
import dev.shoal.strategy.Metadata;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.TrainableParameters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --train-params}: only the trainable tensors travel, the frozen rest comes from the architecture. */
class TrainParamsTest extends InProcessCommandTest {

  @TempDir Path dir;

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aSimulatedRoundUploadsExactlyTheTrainableTensorsAndWritesTheWholeModel() throws Exception {
    Path out = dir.resolve("inproc");
    assertThat(shoal("simulate", "--model", "logreg", "--train-params", "fc.bias", "--clients", "2", "--rounds", "1",
        "--contribution", "off", "--out", out.toString())).as(err()).isZero();
    JsonNode round = new ObjectMapper().readTree(Files.readAllLines(out.resolve("metrics.jsonl")).get(0));
    // each client's update: fc.bias alone, 10 float32 values, under the metadata an in-process client writes
    ParameterSet update = new ParameterSet(List.of(new Tensor("fc.bias", new int[] {10}, new float[10])), Map.of(
        Metadata.ROUND, "1", Metadata.NUM_EXAMPLES, "4000", Metadata.BASE_MODEL, "sha256:" + "0".repeat(64)));
    assertThat(round.get("bytes_up").asLong()).isEqualTo(2 * Safetensors.encodedSize(update));

    ParameterSet model = Safetensors.read(out.resolve("model.safetensors"));
    ParameterSet seeded = ModelZoo.standard().newTrainer("logreg", MnistSample.load().train().schema()).initialParameters(42);
    assertThat(model.names()).containsExactly("fc.weight", "fc.bias");
    assertThat(model.tensor("fc.weight")).isEqualTo(seeded.tensor("fc.weight"));
    assertThat(model.tensor("fc.bias")).isNotEqualTo(seeded.tensor("fc.bias"));
    assertThat(model.metadata(Metadata.TRAIN_PARAMS)).contains("fc.bias");
  }

  @Test
  void overGrpcTheSamePartIsTrainedAndTheSameWholeModelWritten() throws Exception {
    Path inproc = dir.resolve("inproc");
    Path grpc = dir.resolve("grpc");
    String[] common = {"simulate", "--model", "mlp", "--train-params", "fc3.*", "--clients", "2", "--rounds", "1",
        "--contribution", "off", "--out"};
    assertThat(shoal(concat(common, inproc.toString()))).as(err()).isZero();
    assertThat(shoal(concat(common, grpc.toString(), "--transport", "grpc"))).as(err()).isZero();
    ParameterSet a = Safetensors.read(inproc.resolve("model.safetensors"));
    ParameterSet b = Safetensors.read(grpc.resolve("model.safetensors"));
    assertThat(b.names()).containsExactly("fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias");
    assertThat(b.tensors()).isEqualTo(a.tensors());
    JsonNode round = new ObjectMapper().readTree(Files.readAllLines(grpc.resolve("metrics.jsonl")).get(0));
    // fc3 is 200 x 10 + 10 float32 values; the whole 2NN is 199,210
    long fc3 = 4L * (200 * 10 + 10);
    assertThat(round.get("bytes_up").asLong()).isBetween(2 * fc3, 2 * fc3 + 4096);
  }

  @Test
  void aNodeRefusesARunThatTrainsAnotherPartNamingBoth() {
    var schema = MnistSample.load().train().schema();
    ParameterSet global = new ParameterSet(List.of(new Tensor("fc.bias", new int[] {10}, new float[10])),
        Map.of(Metadata.MODEL, "logreg", Metadata.TRAIN_PARAMS, "fc.bias", Metadata.SEED, "42"));
    assertThatThrownBy(() -> new SiteTrainer(ModelZoo.standard(), schema, TrainableParameters.ALL).trainer("logreg", global))
        .isInstanceOf(IncompatibleParametersException.class)
        .hasMessage("the run trains --train-params fc.bias but this site was started with every tensor (no --train-params);"
            + " give it the run's --train-params");
    assertThatThrownBy(() -> new SiteTrainer(ModelZoo.standard(), schema, new TrainableParameters(List.of("fc.*")))
        .trainer("logreg", global.withMetadata(Map.of(Metadata.MODEL, "logreg"))))
        .hasMessage("the run trains every tensor (no --train-params) but this site was started with --train-params fc.*;"
            + " give it the run's --train-params");
    assertThat(new SiteTrainer(ModelZoo.standard(), schema, new TrainableParameters(List.of("fc.bias")))
        .trainer("logreg", global).initialParameters(0).names()).containsExactly("fc.bias");
  }

  @Test
  void aGlobThatMatchesNothingStopsTheRunInOneLine() {
    assertThat(shoal("simulate", "--model", "logreg", "--train-params", "lora_*", "--rounds", "1",
        "--out", dir.resolve("none").toString())).isEqualTo(1);
    assertThat(err()).isEqualTo("error: --train-params 'lora_*' matches no tensor of model logreg; its tensors are fc.weight, fc.bias\n");
  }

  @Test
  void theSettingIsPartOfTheRunsIdentityOnlyWhenGiven() {
    TrainingSpec t = RunIdentityTest.TRAINING;
    var part = new TrainingSpec(t.model(), t.localEpochs(), t.batchSize(), t.lr(), t.seed(), t.loss(), t.optimizer(),
        t.clipNorm(), new TrainableParameters(List.of("fc3.*", "fc2.bias")), t.data());
    var f = RunIdentityTest.federation(dev.shoal.app.StrategyChoice.DEFAULT, java.time.Duration.ofMinutes(10));
    assertThat(RunIdentity.of(t, f, Optional.empty()).json()).doesNotContain("train_params");
    assertThat(RunIdentity.of(part, f, Optional.empty()).json()).contains("\"train_params\":[\"fc3.*\",\"fc2.bias\"]");
  }

  @Test
  void trainLocalTrainsThePartOfAWholeModelAndWritesThatPart() throws Exception {
    Path init = dir.resolve("init.safetensors");
    assertThat(shoal("init-model", "--model", "logreg", "--output", init.toString())).as(err()).isZero();
    Path data = dir.resolve("data");
    var mnist = MnistSample.load();
    dev.shoal.data.DataLoader.save(new dev.shoal.data.FederatedData(mnist.train().subset(java.util.stream.IntStream.range(0, 300).toArray()),
        mnist.test().subset(java.util.stream.IntStream.range(0, 100).toArray())), data);
    assertThat(shoal("train-local", "--model-path", init.toString(), "--data-path", data.toString(),
        "--train-params", "fc.bias", "--output-path", dir.toString())).as(err()).isZero();
    ParameterSet update = Safetensors.read(dir.resolve("update.safetensors"));
    assertThat(update.names()).containsExactly("fc.bias");
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
