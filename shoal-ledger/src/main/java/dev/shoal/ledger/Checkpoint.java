package dev.shoal.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A C2SP {@code tlog-checkpoint}: the log's origin, a tree size and the root of the tree of that
 * size. Its {@link #body()} is the text a log signs (inside a {@link SignedNote}) and a cosigner
 * cosigns:
 * <pre>
 * shoal/run-42
 * 17
 * base64(root)
 * </pre>
 * each line ending in a newline. Shoal checkpoints carry no extension lines.
 *
 * @param origin the log's identity, by convention {@code shoal/<run>}; non-empty, printable,
 *     no newline
 * @param size the number of entries, {@code >= 0}
 * @param root the 32-byte RFC 9162 root of the first {@code size} entries
 */
public record Checkpoint(String origin, long size, byte[] root) {

  public Checkpoint {
    if (origin == null || origin.isEmpty() || !origin.codePoints().allMatch(Checkpoint::printable)) {
      throw new IllegalArgumentException("checkpoint origin " + quote(origin)
          + " is not allowed: it must be non-empty and contain no control characters or newlines");
    }
    if (size < 0) {
      throw new IllegalArgumentException("checkpoint size " + size + " is negative: allowed 0 or more");
    }
    if (root == null || root.length != MerkleTree.HASH_SIZE) {
      throw new IllegalArgumentException("checkpoint root has " + (root == null ? 0 : root.length)
          + " bytes: a SHA-256 root has " + MerkleTree.HASH_SIZE);
    }
    root = MerkleTree.copy(root);
  }

  /** The origin convention for a training run's ledger: {@code shoal/<run>}. */
  public static String originFor(String run) {
    return "shoal/" + run;
  }

  @Override
  public byte[] root() {
    return MerkleTree.copy(root);
  }

  /** The checkpoint text: origin, decimal size and base64 root, one per line. */
  public String body() {
    return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
  }

  /** Signs the checkpoint body as a note with the log's key. */
  public SignedNote sign(NoteSigner logKey) {
    return SignedNote.sign(body(), logKey);
  }

  /**
   * Parses a checkpoint body (the text of a note, without signatures).
   *
   * @throws IllegalArgumentException naming the line that is malformed
   */
  public static Checkpoint parse(String body) {
    if (!body.endsWith("\n")) {
      throw new IllegalArgumentException("checkpoint text must end with a newline");
    }
    String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
    if (lines.length != 3) {
      throw new IllegalArgumentException("checkpoint has " + lines.length
          + " lines: a Shoal checkpoint has exactly 3 (origin, size, root) and no extension lines");
    }
    String sizeLine = lines[1];
    if (!sizeLine.matches("0|[1-9][0-9]{0,18}")) {
      throw new IllegalArgumentException("checkpoint size line " + quote(sizeLine)
          + " is not a decimal number without leading zeros");
    }
    long size;
    try {
      size = Long.parseLong(sizeLine);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("checkpoint size " + sizeLine + " is larger than 2^63-1", e);
    }
    byte[] root;
    try {
      root = Base64.getDecoder().decode(lines[2]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("checkpoint root line " + quote(lines[2]) + " is not standard base64", e);
    }
    if (!Base64.getEncoder().encodeToString(root).equals(lines[2])) {
      throw new IllegalArgumentException("checkpoint root line " + quote(lines[2]) + " is not canonical padded base64");
    }
    return new Checkpoint(lines[0], size, root);
  }

  private static boolean printable(int cp) {
    return !Character.isISOControl(cp);
  }

  private static String quote(String s) {
    return s == null ? "null" : "\"" + s.replace("\n", "\\n") + "\"";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Checkpoint c && c.origin.equals(origin) && c.size == size && MessageDigest.isEqual(c.root, root);
  }

  @Override
  public int hashCode() {
    return origin.hashCode() * 31 + Long.hashCode(size) * 17 + java.util.Arrays.hashCode(root);
  }

  @Override
  public String toString() {
    return "Checkpoint[origin=" + origin + ", size=" + size + ", root=" + HexFormat.of().formatHex(root) + "]";
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
