package dev.shoal.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.encoding.UpdateEncoding;
import dev.shoal.round.RoundEngineTest.LabelTrainer;
import dev.shoal.strategy.FedAvg;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Rounds whose clients send encoded updates, decoded by the in-process port before the fold. */
class EncodedRoundTest {

  private final LabelTrainer trainer = new LabelTrainer();

  private RoundEngine engine(InProcessClients port, int rounds) {
    return new RoundEngine(new FedAvg(new FitConfig(1, 10, 0.1, 1), 1.0, 1, 0.0), port,
        new RunConfig(rounds, 3, Duration.ofSeconds(30), 5), Optional.of(p -> new Evaluation(1, 0.0, 0.0)), e -> { });
  }

  private float[] oneRound(String encoding) {
    var port = new InProcessClients(trainer, SecureRoundTest.six(), 1);
    ParameterSet result = engine(port, 1).withUpdateEncoding(UpdateEncoding.parse(encoding))
        .run(trainer.initialParameters(0));
    return result.read("w").data();
  }

  @Test
  void everyEncodingCarriesTheUpdatesItCanRepresentExactly() {
    // clients move w from 0 to their label 1..6, weighted 100·label: the mean is Σl²/Σl = 91/21
    float[] plain = oneRound("float32");
    assertThat(plain[0]).isCloseTo(91f / 21, org.assertj.core.data.Offset.offset(1e-5f));
    for (String e : new String[] {"fp16", "bf16", "int8"}) {
      // small integers are exact in fp16 and bf16, and int8 maps each tensor's largest change to 127 exactly
      assertThat(oneRound(e)).as(e).containsExactly(plain);
    }
    // top-k of 2 of the 3 values: the third coordinate's change is kept on each client, not sent
    float[] topk = oneRound("topk:0.5");
    assertThat(topk[0]).isEqualTo(plain[0]);
    assertThat(topk[1]).isEqualTo(plain[1]);
    assertThat(topk[2]).isZero();
  }

  @Test
  void topKSendsWhatItKeptInALaterRound() {
    var port = new InProcessClients(trainer, SecureRoundTest.six(), 1);
    // with one value a round out of three, each coordinate's change arrives in turn: after three
    // rounds every coordinate has moved from 0
    ParameterSet result = engine(port, 3).withUpdateEncoding(UpdateEncoding.parse("topk:0.3"))
        .run(trainer.initialParameters(0));
    for (float v : result.read("w").data()) {
      assertThat(v).isGreaterThan(1f);
    }
  }

  @Test
  void secureAggregationRefusesEncodingsThatAreNotLinear() {
    var port = new InProcessClients(trainer, SecureRoundTest.six(), 1);
    assertThatThrownBy(() -> engine(port, 1).withSecureAggregation(new SecureRound(SecureRound.Settings.DEFAULT))
        .withUpdateEncoding(UpdateEncoding.parse("int8")))
        .hasMessageContaining("update encoding int8 cannot go with secure aggregation: it is not linear");
    assertThatThrownBy(() -> engine(port, 1).withUpdateEncoding(UpdateEncoding.parse("topk:0.1"))
        .withSecureAggregation(new SecureRound(SecureRound.Settings.DEFAULT)))
        .hasMessageContaining("update encoding topk:0.1 cannot go with secure aggregation");
    engine(port, 1).withUpdateEncoding(UpdateEncoding.FLOAT32).withSecureAggregation(new SecureRound(SecureRound.Settings.DEFAULT));
  }
}
