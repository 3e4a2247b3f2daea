package dev.shoal.secagg;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Clients of one round in this process, with their inputs, behind a {@link SecAggChannel}. */
final class InProcessRound implements SecAggChannel {

  final List<String> names = new ArrayList<>();
  final Map<String, SecAggClient> clients = new HashMap<>();
  final Map<String, float[]> inputs = new HashMap<>();

  /** n clients "c00".."c(n-1)" with inputs uniform in [-spread, spread] (test data, not secrets). */
  InProcessRound(int n, int length, double spread, long dataSeed) {
    Random data = new Random(dataSeed);
    SecureRandom random = new SecureRandom();
    for (int i = 0; i < n; i++) {
      String name = "c%02d".formatted(i);
      names.add(name);
      clients.put(name, new SecAggClient(name, random));
      float[] x = new float[length];
      for (int j = 0; j < length; j++) {
        x[j] = (float) ((data.nextDouble() * 2 - 1) * spread);
      }
      inputs.put(name, x);
    }
  }

  @Override
  public SecAggReply call(String client, SecAggRequest request) throws Exception {
    return clients.get(client).handle(request, inputs.get(client));
  }

  /** The sum of the clipped inputs of {@code who}. */
  double[] clippedSum(Set<String> who, double clip) {
    double[] s = new double[inputs.get(names.get(0)).length];
    for (String c : who) {
      float[] x = inputs.get(c);
      for (int j = 0; j < s.length; j++) {
        s[j] += Math.max(-clip, Math.min(clip, x[j]));
      }
    }
    return s;
  }

  /** A channel that fails the calls of {@code who} at {@code stage}, and passes the rest here. */
  SecAggChannel failing(SecAggStage stage, Set<String> who) {
    return (client, request) -> {
      if (request.stage() == stage && who.contains(client)) {
        throw new java.io.IOException("injected dropout of " + client + " at " + stage);
      }
      return call(client, request);
    };
  }
}
