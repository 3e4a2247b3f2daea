package dev.shoal.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Exhaustive checks over every tree of 1..64 leaves: every honest proof verifies, and every
 * single alteration of a proof, index, size or root is refused.
 */
@Tag("slow")
class MerkleProofProperties {

  private static final int MAX = 64;
  private static final List<byte[]> HASHES = hashes(MAX);

  private static List<byte[]> hashes(int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(MerkleTree.leafHash(("entry " + i).getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  private static byte[] flipped(byte[] b, int bit) {
    byte[] c = b.clone();
    c[bit / 8 % c.length] ^= (byte) (1 << (bit % 8));
    return c;
  }

  private static List<byte[]> replaced(List<byte[]> proof, int at, byte[] hash) {
    List<byte[]> p = new ArrayList<>(proof);
    p.set(at, hash);
    return p;
  }

  @Test
  void everyInclusionProofVerifiesAndEveryAlterationFails() {
    for (int size = 1; size <= MAX; size++) {
      List<byte[]> tree = HASHES.subList(0, size);
      byte[] root = MerkleTree.root(tree);
      for (int i = 0; i < size; i++) {
        List<byte[]> proof = MerkleTree.inclusionProof(HASHES, i, size);
        byte[] leaf = HASHES.get(i);
        assertThat(MerkleTree.verifyInclusion(leaf, i, size, proof, root)).as("index %d of %d", i, size).isTrue();

        for (int j = 0; j < proof.size(); j++) {
          assertThat(MerkleTree.verifyInclusion(leaf, i, size, replaced(proof, j, flipped(proof.get(j), i + j)), root))
              .as("proof hash %d altered, index %d of %d", j, i, size).isFalse();
        }
        for (int other = 0; other < size; other++) {
          if (other != i) {
            assertThat(MerkleTree.verifyInclusion(leaf, other, size, proof, root))
                .as("index %d claimed as %d of %d", i, other, size).isFalse();
          }
        }
        for (int otherSize = i + 1; otherSize <= MAX; otherSize++) {
          if (otherSize != size) {
            // The size is bound to its root by the signed checkpoint, so a size is claimed with its root.
            assertThat(MerkleTree.verifyInclusion(leaf, i, otherSize, proof, MerkleTree.root(HASHES.subList(0, otherSize))))
                .as("index %d of %d claimed for size %d", i, size, otherSize).isFalse();
          }
        }
        assertThat(MerkleTree.verifyInclusion(flipped(leaf, i), i, size, proof, root)).isFalse();
        assertThat(MerkleTree.verifyInclusion(leaf, i, size, proof, flipped(root, size))).isFalse();
        if (!proof.isEmpty()) {
          assertThat(MerkleTree.verifyInclusion(leaf, i, size, proof.subList(0, proof.size() - 1), root)).isFalse();
        }
        List<byte[]> longer = new ArrayList<>(proof);
        longer.add(root);
        assertThat(MerkleTree.verifyInclusion(leaf, i, size, longer, root)).isFalse();
      }
    }
  }

  @Test
  void everyConsistencyProofVerifiesAndEveryAlterationFails() {
    byte[][] roots = new byte[MAX + 1][];
    for (int n = 1; n <= MAX; n++) {
      roots[n] = MerkleTree.root(HASHES.subList(0, n));
    }
    for (int n = 1; n <= MAX; n++) {
      for (int m = 1; m <= n; m++) {
        List<byte[]> proof = MerkleTree.consistencyProof(HASHES, m, n);
        assertThat(MerkleTree.verifyConsistency(m, n, proof, roots[m], roots[n])).as("%d -> %d", m, n).isTrue();

        for (int j = 0; j < proof.size(); j++) {
          assertThat(MerkleTree.verifyConsistency(m, n, replaced(proof, j, flipped(proof.get(j), m + j)), roots[m], roots[n]))
              .as("proof hash %d altered, %d -> %d", j, m, n).isFalse();
        }
        for (int other = 1; other <= n; other++) {
          if (other != m) {
            assertThat(MerkleTree.verifyConsistency(m, n, proof, roots[other], roots[n]))
                .as("%d -> %d against the root of %d", m, n, other).isFalse();
            assertThat(MerkleTree.verifyConsistency(other, n, proof, roots[other], roots[n]))
                .as("%d -> %d claimed as %d -> %d", m, n, other, n).isFalse();
          }
        }
        assertThat(MerkleTree.verifyConsistency(m, n, proof, flipped(roots[m], n), roots[n])).isFalse();
        assertThat(MerkleTree.verifyConsistency(m, n, proof, roots[m], flipped(roots[n], m))).isFalse();
        if (m < n) {
          assertThat(MerkleTree.verifyConsistency(m, n, proof.subList(0, proof.size() - 1), roots[m], roots[n])).isFalse();
          if (n < MAX) {
            assertThat(MerkleTree.verifyConsistency(m, n + 1, proof, roots[m], roots[n + 1])).isFalse();
          }
        }
        List<byte[]> longer = new ArrayList<>(proof);
        longer.add(roots[n]);
        assertThat(MerkleTree.verifyConsistency(m, n, longer, roots[m], roots[n])).isFalse();
      }
    }
  }
}
