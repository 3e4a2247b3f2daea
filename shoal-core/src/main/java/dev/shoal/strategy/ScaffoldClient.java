package dev.shoal.strategy;

import dev.shoal.data.Dataset;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Tensor;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SCAFFOLD's client step (Karimireddy et al. 2020, Algorithm 1 with option II), run by a node or an
 * in-process client for an instruction that carries the setting {@value Scaffold#SETTING}. From
 * the received global model x and server control c (the tensors named {@value Scaffold#PREFIX}…)
 * and the client's own control cᵢ (zero the first time), it trains with every step's gradients
 * shifted by c − cᵢ, then takes
 *
 * <pre>
 * cᵢ⁺ = cᵢ − c + (x − yᵢ) / (K·η_l)     K the local steps, η_l the learning rate
 * </pre>
 *
 * keeps cᵢ⁺ in the client's {@link ControlStore} and returns yᵢ with c + (cᵢ⁺ − cᵢ) under the
 * control names, so that the reply minus the instruction is (Δyᵢ, Δcᵢ).
 */
public final class ScaffoldClient {

  /** Where one client keeps its control variate cᵢ between rounds. */
  public interface ControlStore {
    /** cᵢ under the model's parameter names, or empty before the client's first SCAFFOLD round. */
    Optional<ParameterSet> load();

    void save(ParameterSet control);
  }

  /** A store in memory, for in-process clients and nodes without a state directory. */
  public static ControlStore inMemory() {
    return new ControlStore() {
      private volatile ParameterSet control;

      @Override
      public Optional<ParameterSet> load() {
        return Optional.ofNullable(control);
      }

      @Override
      public void save(ParameterSet c) {
        control = c;
      }
    };
  }

  private ScaffoldClient() {}

  /** Whether {@code config} asks for SCAFFOLD's client step. */
  public static boolean asked(FitConfig config) {
    return config.settings().get(Scaffold.SETTING).isPresent();
  }

  /**
   * Trains as an instruction asks: SCAFFOLD's client step when it carries the setting, otherwise
   * plain {@link Trainer#fit}.
   */
  public static FitOutcome fit(Trainer trainer, ParameterSet received, Dataset data, FitConfig config,
      ControlStore store) {
    if (!asked(config)) {
      return trainer.fit(received, data, config);
    }
    List<Tensor> model = new ArrayList<>();
    List<Tensor> server = new ArrayList<>();
    for (Tensor t : received.tensors()) {
      if (t.name().startsWith(Scaffold.PREFIX)) {
        server.add(new Tensor(t.name().substring(Scaffold.PREFIX.length()), t.shape(), t.data()));
      } else {
        model.add(t);
      }
    }
    ParameterSet x = new ParameterSet(model, received.metadata());
    ParameterSet c = new ParameterSet(server);
    if (x.layoutMismatch(c).isPresent()) {
      throw new IllegalArgumentException("the instruction's SCAFFOLD control variates do not match its model: "
          + x.layoutMismatch(c).get());
    }
    ParameterSet ci = store.load().filter(saved -> x.layoutMismatch(saved).isEmpty()).orElseGet(() -> zeros(x));
    ParameterSet shift = combine(c, 1, ci, -1);
    FitOutcome out = trainer.fit(x, data, config, shift);
    long steps = localSteps(out.numExamples(), config);
    // cᵢ⁺ = cᵢ − c + (x − y) / (K·η_l)
    double scale = 1 / (steps * config.learningRate());
    ParameterSet next = combine(combine(ci, 1, c, -1), 1, combine(x, scale, out.parameters(), -scale), 1);
    store.save(next);
    List<Tensor> reply = new ArrayList<>(out.parameters().tensors());
    for (Tensor t : combine(c, 1, combine(next, 1, ci, -1), 1).tensors()) {
      reply.add(new Tensor(Scaffold.PREFIX + t.name(), t.shape(), t.data()));
    }
    return new FitOutcome(new ParameterSet(reply, out.parameters().metadata()), out.numExamples(), out.metrics());
  }

  /** K: the optimiser steps of a fit over {@code examples} examples, as a trainer takes them. */
  static long localSteps(long examples, FitConfig config) {
    long batch = Math.min(config.batchSize(), examples);
    return config.epochs() * ((examples + batch - 1) / batch);
  }

  private static ParameterSet zeros(ParameterSet like) {
    return combine(like, 0, like, 0);
  }

  /** a·p + b·q, tensor by tensor under p's names. */
  static ParameterSet combine(ParameterSet p, double a, ParameterSet q, double b) {
    List<Tensor> out = new ArrayList<>();
    for (Tensor t : p.tensors()) {
      float[] x = t.data();
      float[] y = q.read(t.name()).data();
      float[] r = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        r[i] = (float) (a * x[i] + b * y[i]);
      }
      out.add(new Tensor(t.name(), t.shape().clone(), r));
    }
    return new ParameterSet(out);
  }
}
