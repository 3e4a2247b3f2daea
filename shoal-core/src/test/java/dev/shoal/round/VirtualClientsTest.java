package dev.shoal.round;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shoal.data.Dataset;
import dev.shoal.data.SyntheticFederation;
import dev.shoal.strategy.ClientIds;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link InProcessClients#virtual}: a million registered clients, each one's data made only when it is called. */
class VirtualClientsTest {

  private final SyntheticFederation federation = new SyntheticFederation(1, 1, 9, 0.2);
  private final List<Dataset> seen = new ArrayList<>();
  private final ParameterSet model = new ParameterSet(List.of(new Tensor("w", new int[] {2}, new float[] {1, 2})));

  private final Trainer recording = new Trainer() {
    @Override
    public ParameterSet initialParameters(long seed) {
      return model;
    }

    @Override
    public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config) {
      seen.add(data);
      return new FitOutcome(parameters, data.size(), Map.of());
    }

    @Override
    public Evaluation evaluate(ParameterSet parameters, Dataset data) {
      seen.add(data);
      return new Evaluation(data.size(), 0, 0);
    }
  };

  @Test
  void aMillionClientsAreIdsUntilOneIsCalledAndThenItsOwnData() throws Exception {
    InProcessClients clients = InProcessClients.virtual(recording, federation, 1_000_000, 1);
    assertThat(clients.available()).isInstanceOf(ClientIds.class).hasSize(1_000_000);
    assertThat(seen).isEmpty();

    var reply = clients.fit(new FitInstruction("client-765432", 1, model, new FitConfig(1, 10, 0.1, 1)));
    clients.evaluate("client-765432", 1, model);

    assertThat(seen).hasSize(2);
    assertThat(seen.get(0).features()).isEqualTo(federation.client(765_432).train().features());
    assertThat(seen.get(1).targets()).isEqualTo(federation.client(765_432).test().targets());
    assertThat(reply.numExamples()).isEqualTo(federation.client(765_432).train().size());
  }

  @Test
  void anIdOutsideTheFederationIsRefusedBeforeAnyDataIsMade() {
    InProcessClients clients = InProcessClients.virtual(recording, federation, 1000, 1);
    assertThatThrownBy(() -> clients.fit(new FitInstruction("client-1000", 1, model, new FitConfig(1, 10, 0.1, 1))))
        .hasMessage("unknown client 'client-1000'");
    assertThatThrownBy(() -> clients.evaluate("client-0001", 1, model)).hasMessage("unknown client 'client-0001'");
    assertThat(seen).isEmpty();
  }
}
