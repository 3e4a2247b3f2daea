package dev.shoal.train;

import dev.shoal.data.Dataset;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Trains part of a model ({@code --train-params}): the parameters it takes and returns, the ones a
 * federation exchanges, are only the trainable tensors; the frozen rest comes from the
 * architecture (a TorchScript file's own weights, or a built-in model's seeded initialisation),
 * which every site holds alike. Each call completes the exchanged tensors with the frozen ones and
 * hands the whole model to a trainer that leaves the frozen ones alone.
 */
public final class PartialTrainer implements Trainer {

  private final Trainer frozen;
  private final ParameterSet architecture;
  private final Set<String> trainable;

  /**
   * @param frozen a trainer of the whole model whose fit changes only {@code trainable}
   * @param architecture the whole model's values, the frozen tensors' source
   * @param trainable the names of the trained, exchanged tensors
   */
  public PartialTrainer(Trainer frozen, ParameterSet architecture, Set<String> trainable) {
    this.frozen = Objects.requireNonNull(frozen, "frozen");
    this.architecture = Objects.requireNonNull(architecture, "architecture");
    this.trainable = Set.copyOf(trainable);
    for (String name : trainable) {
      if (architecture.tensor(name).isEmpty()) {
        throw new IllegalArgumentException("trainable tensor '" + name + "' is not in the model");
      }
    }
  }

  /** The names of the trained, exchanged tensors. */
  public Set<String> trainable() {
    return trainable;
  }

  /** The exchanged part of the architecture's values, whatever the seed: every site starts alike. */
  @Override
  public ParameterSet initialParameters(long seed) {
    return exchanged(architecture);
  }

  @Override
  public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config) {
    return fit(parameters, data, config, null);
  }

  @Override
  public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config, ParameterSet gradientShift) {
    FitOutcome out = frozen.fit(complete(parameters), data, config,
        gradientShift == null ? null : completeWithZeros(gradientShift));
    return new FitOutcome(exchanged(out.parameters()), out.numExamples(), out.metrics());
  }

  @Override
  public Evaluation evaluate(ParameterSet parameters, Dataset data) {
    return frozen.evaluate(complete(parameters), data);
  }

  @Override
  public Set<String> understoodSettings() {
    return frozen.understoodSettings();
  }

  /**
   * The whole model: the trainable tensors of {@code exchanged}, the others from {@code exchanged}
   * when it holds them (a whole model given to {@code train-local}) and else from the
   * architecture; in the architecture's order, with {@code exchanged}'s metadata.
   *
   * @throws IllegalArgumentException naming a trainable tensor that {@code exchanged} lacks
   */
  @Override
  public ParameterSet complete(ParameterSet exchanged) {
    Objects.requireNonNull(exchanged, "exchanged");
    var tensors = new ArrayList<Tensor>(architecture.tensors().size());
    for (Tensor t : architecture.tensors()) {
      var given = exchanged.tensor(t.name());
      if (given.isEmpty() && trainable.contains(t.name())) {
        throw new IllegalArgumentException("tensor '%s' is missing; the trained tensors (--train-params) are %s"
            .formatted(t.name(), exchanged(architecture).names()));
      }
      tensors.add(given.orElse(t));
    }
    for (String name : exchanged.names()) {
      if (architecture.tensor(name).isEmpty()) {
        throw new IllegalArgumentException("tensor '%s' is not in the model, which has tensors %s"
            .formatted(name, architecture.names()));
      }
    }
    return new ParameterSet(tensors, exchanged.metadata());
  }

  /** The trainable tensors of {@code whole}, in its order, with its metadata. */
  ParameterSet exchanged(ParameterSet whole) {
    List<Tensor> kept = whole.tensors().stream().filter(t -> trainable.contains(t.name())).toList();
    return new ParameterSet(kept, whole.metadata());
  }

  /** A gradient shift for the trainable tensors, with zero for every frozen one. */
  private ParameterSet completeWithZeros(ParameterSet shift) {
    var tensors = new ArrayList<Tensor>();
    for (Tensor t : architecture.tensors()) {
      tensors.add(shift.tensor(t.name()).orElseGet(() -> new Tensor(t.name(), t.shape().clone(), new float[t.data().length])));
    }
    return new ParameterSet(tensors, shift.metadata());
  }
}
