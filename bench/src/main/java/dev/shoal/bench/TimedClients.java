package dev.shoal.bench;

import dev.shoal.round.ClientPort;
import dev.shoal.round.Traffic;
import dev.shoal.strategy.EvaluateReply;
import dev.shoal.strategy.FitInstruction;
import dev.shoal.strategy.FitReply;
import dev.shoal.tensor.ParameterSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** A client port that notes when each update reaches the engine; otherwise passes calls on. */
final class TimedClients implements ClientPort {

  private final ClientPort delegate;
  private final ConcurrentLinkedQueue<Long> arrivals = new ConcurrentLinkedQueue<>();

  TimedClients(ClientPort delegate) {
    this.delegate = delegate;
  }

  /** Forgets the arrivals noted so far. */
  void reset() {
    arrivals.clear();
  }

  /** {@link System#nanoTime()} of each update's arrival since {@link #reset}, in order. */
  List<Long> arrivals() {
    return arrivals.stream().sorted().toList();
  }

  @Override
  public FitReply fit(FitInstruction instruction) throws Exception {
    FitReply reply = delegate.fit(instruction);
    arrivals.add(System.nanoTime());
    return reply;
  }

  @Override
  public List<String> available() {
    return delegate.available();
  }

  @Override
  public EvaluateReply evaluate(String clientId, int round, ParameterSet global) throws Exception {
    return delegate.evaluate(clientId, round, global);
  }

  @Override
  public void awaitAvailable(int count) throws InterruptedException {
    delegate.awaitAvailable(count);
  }

  @Override
  public void answersWithin(java.time.Duration timeout) {
    delegate.answersWithin(timeout);
  }

  @Override
  public Traffic traffic() {
    return delegate.traffic();
  }

  @Override
  public byte[] secagg(String clientId, int round, String stage, byte[] request) throws Exception {
    return delegate.secagg(clientId, round, stage, request);
  }
}
