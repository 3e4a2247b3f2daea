package dev.shoal.app;

import dev.shoal.contribution.Method;
import dev.shoal.ledger.CanonicalJson;
import dev.shoal.tensor.ContentId;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a run is, for resuming it and for its ledger: the canonical JSON (RFC 8785) of its specs,
 * with a schema version, and that text's content id, the config hash. Settings that do not
 * change what is learnt (timeouts, anchoring, transport) are not part of it.
 *
 * <p>Compatibility: the fields of schema 1 are always written; a setting added later is written
 * only when it differs from its default, so a run started before it existed keeps its identity,
 * and resumes, as long as the new setting is left at its default. Runs started before the
 * canonical form (a {@code key=value} text) are recognised by {@link #legacyText} and resume too.
 */
record RunIdentity(String json, String configHash) {

  static final int SCHEMA = 1;

  static RunIdentity of(TrainingSpec training, FederationSpec federation, Optional<SimulationSpec> simulation) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("schema", SCHEMA);
    root.put("training", training(training));
    root.put("federation", federation(federation));
    simulation.ifPresent(s -> root.put("simulation", simulation(s)));
    String json = new String(CanonicalJson.canonicalize(root), StandardCharsets.UTF_8);
    return new RunIdentity(json, ContentId.of(json.getBytes(StandardCharsets.UTF_8)).value());
  }

  private static Map<String, Object> training(TrainingSpec t) {
    Map<String, Object> m = new TreeMap<>();
    m.put("model", t.model());
    m.put("local_epochs", t.localEpochs());
    m.put("batch_size", t.batchSize());
    m.put("lr", t.lr());
    m.put("seed", t.seed());
    if (!t.plain()) {
      m.put("loss", t.loss().id());
      m.put("optimizer", t.optimizer().describe());
      m.put("clip_norm", t.clipNorm());
    }
    if (!t.trainParams().all()) {
      m.put("train_params", t.trainParams().globs());
    }
    return m;
  }

  private static Map<String, Object> federation(FederationSpec f) {
    Map<String, Object> m = new TreeMap<>();
    m.put("rounds", f.rounds());
    m.put("fraction", f.fraction());
    m.put("min_clients", f.minClients());
    m.put("fraction_evaluate", f.fractionEvaluate());
    f.maxExamplesPerNode().ifPresent(v -> m.put("max_examples_per_node", v));
    Map<String, Object> s = new TreeMap<>();
    s.put("name", f.strategy().name());
    if (!f.strategy().parameters().isEmpty()) {
      s.put("parameters", new TreeMap<>(f.strategy().parameters()));
    }
    m.put("strategy", s);
    privacy(f.privacy()).ifPresent(p -> m.put("privacy", p));
    m.put("ledger", provenance(f.provenance()));
    return m;
  }

  private static Optional<Map<String, Object>> privacy(Privacy p) {
    if (p.equals(Privacy.NONE)) {
      return Optional.empty();
    }
    Map<String, Object> m = new TreeMap<>();
    p.secureAggregation().ifPresent(a -> {
      Map<String, Object> s = new TreeMap<>();
      Optional.ofNullable(a.degree()).ifPresent(v -> s.put("degree", v));
      Optional.ofNullable(a.threshold()).ifPresent(v -> s.put("threshold", v));
      s.put("bits", a.bits());
      Optional.ofNullable(a.clip()).ifPresent(v -> s.put("clip", v));
      s.put("max_examples", a.maxExamples());
      m.put("secagg", s);
    });
    p.differentialPrivacy().ifPresent(d -> {
      Map<String, Object> s = new TreeMap<>();
      s.put("noise_multiplier", d.noiseMultiplier());
      s.put("clip", d.clip());
      if (d.adaptive()) {
        s.put("adaptive", Map.of("target_quantile", d.targetQuantile(), "clip_learning_rate", d.clipLearningRate()));
      }
      d.clipCountNoise().ifPresent(v -> s.put("clip_count_noise", v));
      s.put("sampling", d.sampling().name().toLowerCase(java.util.Locale.ROOT));
      s.put("delta", d.delta());
      d.targetEpsilon().ifPresent(v -> s.put("target_epsilon", v));
      s.put("conversion", d.conversion().name().toLowerCase(java.util.Locale.ROOT));
      m.put("dp", s);
    });
    if (!p.encoding().linear()) {
      m.put("encoding", p.encoding().name());
    }
    return Optional.of(m);
  }

  private static Map<String, Object> provenance(Provenance p) {
    Map<String, Object> m = new TreeMap<>();
    m.put("enabled", p.ledger());
    m.put("contribution", p.contributions().map(RunIdentity::method).orElse("off"));
    m.put("reward_budget", p.rewardBudget());
    return m;
  }

  private static String method(Method m) {
    return switch (m) {
      case LEAVE_ONE_OUT -> "loo";
      case GTG_SHAPLEY -> "gtg";
      case BOTH -> "both";
    };
  }

  private static Map<String, Object> simulation(SimulationSpec s) {
    Map<String, Object> m = new TreeMap<>();
    m.put("clients", s.clients());
    m.put("partition", s.partition());
    if (s.partition().equals("dirichlet")) {
      m.put("alpha", s.alpha());
    }
    s.dataDir().ifPresent(d -> m.put("data", d.toString()));
    s.synthetic().ifPresent(f -> m.put("synthetic", Map.of("alpha", f.alpha(), "beta", f.beta(),
        "test_fraction", f.testFraction())));
    s.attack().ifPresent(a -> {
      Map<String, Object> attack = new TreeMap<>();
      attack.put("name", a.attack().label());
      attack.put("attackers", a.attackers());
      a.scale().ifPresent(v -> attack.put("scale", v));
      m.put("attack", attack);
    });
    s.clock().ifPresent(c -> {
      Map<String, Object> clock = new TreeMap<>();
      clock.put("speed", c.speed().describe());
      clock.put("bandwidth", c.bandwidth().describe());
      clock.put("seconds_per_example", c.secondsPerExample());
      m.put("clock", clock);
    });
    s.async().ifPresent(a -> {
      Map<String, Object> async = new TreeMap<>();
      async.put("concurrency", a.concurrency());
      async.put("buffer", a.buffer());
      async.put("staleness_exponent", a.stalenessExponent());
      async.put("server_lr", a.serverLr());
      m.put("async", async);
    });
    return m;
  }

  /**
   * The {@code key=value} text that Shoal stored as a run's configuration before the canonical
   * form; a run stored with it resumes when this text, for the same specs, matches it.
   */
  static String legacyText(TrainingSpec t, FederationSpec f) {
    return "model=%s\nrounds=%d\nfraction=%s\nmin-clients=%d\nlocal-epochs=%d\nbatch-size=%d\nlr=%s\nseed=%d\nfraction-evaluate=%s\n"
        .formatted(t.model(), f.rounds(), f.fraction(), f.minClients(), t.localEpochs(), t.batchSize(),
            t.lr(), t.seed(), f.fractionEvaluate())
        + (f.privacy().equals(Privacy.NONE) ? "" : "privacy=" + f.privacy() + "\n")
        + (f.provenance().equals(Provenance.DEFAULT) ? "" : "provenance=" + f.provenance() + "\n");
  }
}
