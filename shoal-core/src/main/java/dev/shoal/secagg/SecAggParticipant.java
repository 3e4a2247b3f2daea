package dev.shoal.secagg;

import dev.shoal.strategy.Outbound;
import dev.shoal.tensor.ParameterSet;
import java.security.SecureRandom;

/**
 * A client's side of secure aggregation: it turns the update it trained into the vector it adds
 * to the sum ({@link ClientVector}, with clipping and noise when asked) and answers the
 * protocol's stages for that round with a {@link SecAggClient}. The vector never leaves this
 * object except masked. One round at a time: holding a new update forgets the old one.
 */
public final class SecAggParticipant implements SecureAggregation {

  private final SecureRandom random;
  private Held held;

  private record Held(int round, SecAggClient client, float[] input) {}

  public SecAggParticipant(SecureRandom random) {
    this.random = random;
  }

  @Override
  public synchronized void hold(String self, int round, ParameterSet global, ParameterSet trained, long numExamples,
      Outbound outbound) {
    held = new Held(round, new SecAggClient(self, random), ClientVector.of(global, trained, numExamples, outbound, random));
  }

  @Override
  public synchronized byte[] answer(int round, String stage, byte[] request) throws Exception {
    if (held == null || held.round != round) {
      throw new IllegalStateException("no update is held for round " + round
          + (held == null ? "" : " (this client holds one for round " + held.round + ")"));
    }
    SecAggReply reply = held.client.handle(SecAggCodec.decodeRequest(request), held.input);
    return SecAggCodec.encode(reply);
  }
}
