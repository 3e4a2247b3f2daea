package dev.shoal.store;

import dev.shoal.tensor.ContentId;
import java.util.Map;
import java.util.Optional;

/**
 * What a node was asked to do in one round.
 *
 * @param baseModelId the global model the node trains from
 * @param config the node's fit configuration (epochs, batch size, seed, ...)
 * @param reason why the instruction failed or was rejected
 * @param kind fit or evaluate; a node can have one of each in a round
 */
public record Instruction(
    long runId,
    int round,
    String node,
    ContentId baseModelId,
    Map<String, String> config,
    InstructionStatus status,
    Optional<String> reason,
    InstructionKind kind) {

  public Instruction {
    config = Map.copyOf(config);
  }
}
