package dev.shoal.strategy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.shoal.tensor.TensorSource;
import java.util.List;
import java.util.Optional;

/**
 * The nodes a relay folded into the update it sends up, named in that update's {@code subtree}
 * metadata (so the update's content id commits to them): each node, its example count, the content
 * id of its update and the relay that folded it. A relay under a relay passes its own members up,
 * so the root learns every node of its subtree.
 */
public record Subtree(List<Member> members) {

  /** The update metadata key. */
  public static final String METADATA = "subtree";

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /** One node of a subtree. */
  public record Member(String node, long examples, String update, String via) {}

  public Subtree {
    members = List.copyOf(members);
    if (members.isEmpty()) {
      throw new IllegalArgumentException("a subtree has at least one member");
    }
  }

  /** The members as the metadata's JSON text. */
  public String encode() {
    try {
      return JSON.writeValueAsString(members);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The subtree an update names, if it is a relay's.
   *
   * @throws IllegalArgumentException if the metadata is not a list of members
   */
  public static Optional<Subtree> of(TensorSource update) {
    String text = update == null ? null : update.metadata().get(METADATA);
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Subtree(List.of(JSON.readValue(text, Member[].class))));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the update's '" + METADATA + "' metadata is not a list of nodes with"
          + " node, examples, update and via: " + e.getOriginalMessage(), e);
    }
  }
}
