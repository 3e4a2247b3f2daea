package dev.shoal.ledger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A swarm's checkpoint: the checkpoint of a peer's ledger, cosigned by members of the swarm
 * ({@link SwarmRound#members}); it is final when a quorum of distinct members cosigned it. There
 * is no log key: the cosignatures are the signatures.
 */
public final class QuorumCheckpoint {

  private QuorumCheckpoint() {}

  /** A member's cosignature line over {@code checkpoint}, as a note signature line. */
  public static String cosign(Cosigner cosigner, Checkpoint checkpoint, long unixSeconds) {
    return cosigner.cosign(checkpoint.body(), unixSeconds).line();
  }

  /**
   * The cosignature in {@code line}, checked: by member {@code member}, with the key the
   * membership gives it, over {@code checkpoint}.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static NoteSignature check(String line, String member, Checkpoint checkpoint, Map<String, String> members) {
    SignedNote note = SignedNote.parse(checkpoint.body() + "\n" + line);
    if (note.signatures().size() != 1) {
      throw new IllegalArgumentException("a cosignature is one signature line, not " + note.signatures().size());
    }
    NoteSignature s = note.signatures().get(0);
    if (!s.name().equals(member)) {
      throw new IllegalArgumentException("the cosignature is by '" + s.name() + "', not by the peer that sent it, '"
          + member + "'");
    }
    verify(s, checkpoint, members);
    return s;
  }

  /** The note of {@code checkpoint} with {@code cosignatures} (signature lines), in the order given. */
  public static String note(Checkpoint checkpoint, List<String> cosignatures) {
    return SignedNote.parse(checkpoint.body() + "\n" + String.join("", cosignatures)).encode();
  }

  /**
   * Checks that {@code note} is {@code expected}'s checkpoint cosigned by at least {@code quorum}
   * distinct members of {@code members}; signatures by others are ignored.
   *
   * @throws IllegalArgumentException saying how many valid cosignatures there are and how many are needed
   */
  public static void verify(String note, Checkpoint expected, Map<String, String> members, int quorum) {
    SignedNote parsed = SignedNote.parse(note);
    if (!parsed.text().equals(expected.body())) {
      throw new IllegalArgumentException("the note's checkpoint is not this ledger's: expected\n" + expected.body()
          + "got\n" + parsed.text());
    }
    Set<String> valid = new HashSet<>();
    List<String> bad = new ArrayList<>();
    for (NoteSignature s : parsed.signatures()) {
      try {
        verify(s, expected, members);
        valid.add(s.name());
      } catch (IllegalArgumentException e) {
        bad.add(e.getMessage());
      }
    }
    if (valid.size() < quorum) {
      throw new IllegalArgumentException("checkpoint %d is cosigned by %d member(s) %s, and a quorum is %d of %d%s"
          .formatted(expected.size(), valid.size(), valid.stream().sorted().toList(), quorum, members.size(),
              bad.isEmpty() ? "" : "; refused: " + String.join("; ", bad)));
    }
  }

  private static void verify(NoteSignature s, Checkpoint checkpoint, Map<String, String> members) {
    String key = members.get(s.name());
    if (key == null) {
      throw new IllegalArgumentException("'" + s.name() + "' is not a member");
    }
    NoteVerifier verifier = NoteVerifier.parse(key);
    if (!(verifier instanceof CosignatureVerifier) || !verifier.name().equals(s.name()) || verifier.keyHash() != s.keyHash()
        || !verifier.verify(checkpoint.body(), s.signature())) {
      throw new IllegalArgumentException("the cosignature by '" + s.name() + "' does not verify with its member key");
    }
  }
}
