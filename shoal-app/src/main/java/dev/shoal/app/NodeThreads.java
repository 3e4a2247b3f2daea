package dev.shoal.app;

import dev.shoal.data.FederatedData;
import dev.shoal.data.Dataset;
import dev.shoal.djl.ModelZoo;
import dev.shoal.node.NodeAgent;
import dev.shoal.secagg.SecAggParticipant;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.train.Evaluation;
import dev.shoal.train.FitConfig;
import dev.shoal.train.FitOutcome;
import dev.shoal.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One node agent per client, each on its own thread with its own gRPC connection. */
final class NodeThreads implements LoopbackFederation.Nodes {

  private static final Logger log = LoggerFactory.getLogger(NodeThreads.class);
  private static final NodeAgent.Timing TIMING = new NodeAgent.Timing(Duration.ofMillis(100),
      LoopbackFederation.HEARTBEAT, Duration.ofMillis(200), Duration.ofSeconds(2));

  private final Map<String, FederatedData> parts;
  private final ExecutorService workers;
  private final Trainer trainer;
  private final List<NodeAgent> agents = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  private final Path kits;
  private final Path states;

  /**
   * One node thread per client in {@code parts}, each with its kit {@code kits/NAME} and its
   * ledger witness in {@code states/NAME}.
   */
  NodeThreads(Specs specs, Map<String, FederatedData> parts, Path kits, Path states) {
    this.parts = parts;
    this.kits = kits;
    this.states = states;
    this.workers = Executors.newFixedThreadPool(specs.simulationSpec().parallelism(), Thread.ofPlatform().name("trainer-", 0).daemon().factory());
    this.trainer = new Limited(specs.training().trainer(parts.values().iterator().next().schema()), workers);
  }

  @Override
  public void start(int port) {
    parts.forEach((name, data) ->
        threads.add(Thread.ofPlatform().name("node-" + name).daemon().start(() -> run(name, data, port))));
  }

  private void run(String name, FederatedData data, int port) {
    try (var link = Security.tls(kits.resolve(name)).dial(LoopbackFederation.HOST, port, null)) {
      NodeAgent agent = new NodeAgent(name, link, g -> trainer, data, TIMING, name.hashCode(),
          new SecAggParticipant(new java.security.SecureRandom()))
          .witnessing(NodeWitness.open(name, Optional.of(states.resolve(name))))
          .keepingControls(dev.shoal.node.ControlFile.in(states.resolve(name)));
      synchronized (agents) {
        agents.add(agent);
      }
      agent.run();
    } catch (IOException | RuntimeException e) {
      log.warn("node stopped node={} reason=\"{}\"", name, e.toString());
    }
  }

  @Override
  public int alive() {
    return (int) threads.stream().filter(Thread::isAlive).count();
  }

  @Override
  public void awaitExit(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    for (Thread t : threads) {
      try {
        t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    synchronized (agents) {
      agents.forEach(NodeAgent::stop);
    }
    threads.forEach(Thread::interrupt);
    awaitExit(Duration.ofSeconds(5));
    workers.shutdownNow();
  }

  /**
   * At most {@code --parallelism} clients train or evaluate at once, as with in-process clients,
   * always on the same few threads: PyTorch keeps a pool of worker threads per calling thread, so
   * training on each node's own thread would multiply them.
   */
  private record Limited(Trainer trainer, ExecutorService workers) implements Trainer {

    @Override
    public ParameterSet initialParameters(long seed) {
      return trainer.initialParameters(seed);
    }

    @Override
    public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config) {
      return on(() -> trainer.fit(parameters, data, config));
    }

    @Override
    public FitOutcome fit(ParameterSet parameters, Dataset data, FitConfig config, ParameterSet gradientShift) {
      return on(() -> trainer.fit(parameters, data, config, gradientShift));
    }

    @Override
    public Evaluation evaluate(ParameterSet parameters, Dataset data) {
      return on(() -> trainer.evaluate(parameters, data));
    }

    @Override
    public java.util.Set<String> understoodSettings() {
      return trainer.understoodSettings();
    }

    private <T> T on(Callable<T> task) {
      try {
        return workers.submit(task).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while training", e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      }
    }
  }
}
