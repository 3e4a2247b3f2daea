package dev.shoal.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Merkle tree of RFC 9162 §2.1 over SHA-256, with inclusion and consistency proofs.
 *
 * <p>Leaves are hashed as {@code SHA-256(0x00 || d)}, interior nodes as
 * {@code SHA-256(0x01 || left || right)}, and the hash of an empty tree is {@code SHA-256("")}.
 * A tree of {@code n > 1} leaves is split at {@code k}, the largest power of two smaller than
 * {@code n}. Every method that builds a proof takes the list of leaf hashes (not the leaves),
 * which is what a log keeps.
 *
 * <p>Proof generation follows the recursive definitions PATH (§2.1.3.1) and PROOF/SUBPROOF
 * (§2.1.4.1); verification follows the iterative algorithms of §2.1.3.2 and §2.1.4.2 step by
 * step, so a proof from any RFC 9162 log verifies here and vice versa.
 */
public final class MerkleTree {

  /** Length in bytes of every hash in the tree. */
  public static final int HASH_SIZE = 32;

  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;

  private MerkleTree() {}

  /** {@code SHA-256(0x00 || entry)}: the hash of one leaf. */
  public static byte[] leafHash(byte[] entry) {
    MessageDigest sha = sha256();
    sha.update(LEAF_PREFIX);
    sha.update(entry);
    return sha.digest();
  }

  /** {@code SHA-256(0x01 || left || right)}: the hash of an interior node. */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    MessageDigest sha = sha256();
    sha.update(NODE_PREFIX);
    sha.update(left);
    sha.update(right);
    return sha.digest();
  }

  /** {@code SHA-256("")}: the root of the empty tree. */
  public static byte[] emptyRoot() {
    return sha256().digest();
  }

  /** The Merkle tree hash (MTH) of the tree whose leaves have these hashes. */
  public static byte[] root(List<byte[]> leafHashes) {
    requireHashes(leafHashes);
    if (leafHashes.isEmpty()) {
      return emptyRoot();
    }
    return mth(leafHashes, 0, leafHashes.size());
  }

  /**
   * The inclusion proof PATH(index, D[size]) of RFC 9162 §2.1.3.1 for the leaf at {@code index}
   * in the tree made of the first {@code size} leaf hashes.
   *
   * @throws IllegalArgumentException unless {@code 0 <= index < size <= leafHashes.size()}
   */
  public static List<byte[]> inclusionProof(List<byte[]> leafHashes, long index, long size) {
    requireHashes(leafHashes);
    if (size < 1 || size > leafHashes.size()) {
      throw new IllegalArgumentException(
          "tree size " + size + " is out of range: allowed 1.." + leafHashes.size() + " for this list of leaves");
    }
    if (index < 0 || index >= size) {
      throw new IllegalArgumentException(
          "leaf index " + index + " is out of range: allowed 0.." + (size - 1) + " for tree size " + size);
    }
    List<byte[]> path = new ArrayList<>();
    path(leafHashes, (int) index, 0, (int) size, path);
    return List.copyOf(path);
  }

  /**
   * Verifies an inclusion proof with the algorithm of RFC 9162 §2.1.3.2.
   *
   * @param leafHash the hash of the leaf whose inclusion is claimed
   * @param index the leaf's index
   * @param size the size of the tree the root belongs to
   * @param proof the inclusion path, deepest sibling first
   * @param root the expected root of the tree of {@code size} leaves
   * @return whether the proof shows the leaf at {@code index} in the tree with that root
   */
  public static boolean verifyInclusion(byte[] leafHash, long index, long size, List<byte[]> proof, byte[] root) {
    if (index < 0 || index >= size) {
      return false;
    }
    if (!isHash(leafHash) || !isHash(root) || !proof.stream().allMatch(MerkleTree::isHash)) {
      return false;
    }
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        r = nodeHash(r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(r, root);
  }

  /**
   * The consistency proof PROOF(first, D[second]) of RFC 9162 §2.1.4.1 between the tree of the
   * first {@code first} leaf hashes and the tree of the first {@code second}. The proof between
   * a tree and itself is empty.
   *
   * @throws IllegalArgumentException unless {@code 1 <= first <= second <= leafHashes.size()}
   */
  public static List<byte[]> consistencyProof(List<byte[]> leafHashes, long first, long second) {
    requireHashes(leafHashes);
    if (second < 1 || second > leafHashes.size()) {
      throw new IllegalArgumentException(
          "second tree size " + second + " is out of range: allowed 1.." + leafHashes.size() + " for this list of leaves");
    }
    if (first < 1 || first > second) {
      throw new IllegalArgumentException(
          "first tree size " + first + " is out of range: allowed 1.." + second + " (the second size)");
    }
    List<byte[]> proof = new ArrayList<>();
    subproof(leafHashes, (int) first, 0, (int) second, true, proof);
    return List.copyOf(proof);
  }

  /**
   * Verifies a consistency proof with the algorithm of RFC 9162 §2.1.4.2: that the tree of
   * {@code second} leaves with root {@code secondRoot} extends the tree of {@code first} leaves
   * with root {@code firstRoot}. For {@code first == second} the proof must be empty and the
   * roots equal.
   */
  public static boolean verifyConsistency(
      long first, long second, List<byte[]> proof, byte[] firstRoot, byte[] secondRoot) {
    if (first < 1 || first > second) {
      return false;
    }
    if (!isHash(firstRoot) || !isHash(secondRoot) || !proof.stream().allMatch(MerkleTree::isHash)) {
      return false;
    }
    if (first == second) {
      return proof.isEmpty() && MessageDigest.isEqual(firstRoot, secondRoot);
    }
    // Step 1.
    if (proof.isEmpty()) {
      return false;
    }
    // Step 2.
    List<byte[]> path = new ArrayList<>(proof.size() + 1);
    if (Long.bitCount(first) == 1) {
      path.add(firstRoot);
    }
    path.addAll(proof);
    // Steps 3 and 4.
    long fn = first - 1;
    long sn = second - 1;
    while ((fn & 1) == 1) {
      fn >>= 1;
      sn >>= 1;
    }
    // Step 5.
    byte[] fr = path.get(0);
    byte[] sr = path.get(0);
    // Step 6.
    for (byte[] c : path.subList(1, path.size())) {
      if (sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn >>= 1;
      sn >>= 1;
    }
    // Step 7.
    return MessageDigest.isEqual(fr, firstRoot) && MessageDigest.isEqual(sr, secondRoot) && sn == 0;
  }

  /** The largest power of two strictly smaller than {@code n}, for {@code n > 1}. */
  static int split(int n) {
    return Integer.highestOneBit(n - 1);
  }

  private static byte[] mth(List<byte[]> hashes, int from, int to) {
    int n = to - from;
    if (n == 1) {
      return hashes.get(from);
    }
    int k = split(n);
    return nodeHash(mth(hashes, from, from + k), mth(hashes, from + k, to));
  }

  /** PATH(m, D[from:to]), appended to {@code out}. */
  private static void path(List<byte[]> hashes, int m, int from, int to, List<byte[]> out) {
    int n = to - from;
    if (n == 1) {
      return;
    }
    int k = split(n);
    if (m < k) {
      path(hashes, m, from, from + k, out);
      out.add(mth(hashes, from + k, to));
    } else {
      path(hashes, m - k, from + k, to, out);
      out.add(mth(hashes, from, from + k));
    }
  }

  /** SUBPROOF(m, D[from:to], b), appended to {@code out}. */
  private static void subproof(List<byte[]> hashes, int m, int from, int to, boolean b, List<byte[]> out) {
    int n = to - from;
    if (m == n) {
      if (!b) {
        out.add(mth(hashes, from, to));
      }
      return;
    }
    int k = split(n);
    if (m <= k) {
      subproof(hashes, m, from, from + k, b, out);
      out.add(mth(hashes, from + k, to));
    } else {
      subproof(hashes, m - k, from + k, to, false, out);
      out.add(mth(hashes, from, from + k));
    }
  }

  private static boolean isHash(byte[] h) {
    return h != null && h.length == HASH_SIZE;
  }

  private static void requireHashes(List<byte[]> leafHashes) {
    for (int i = 0; i < leafHashes.size(); i++) {
      byte[] h = leafHashes.get(i);
      if (!isHash(h)) {
        throw new IllegalArgumentException("leaf hash " + i + " has "
            + (h == null ? "no bytes" : h.length + " bytes") + ": every leaf hash must have " + HASH_SIZE);
      }
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK provides no SHA-256", e);
    }
  }

  static byte[] copy(byte[] b) {
    return Arrays.copyOf(b, b.length);
  }
}
