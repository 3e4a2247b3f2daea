package dev.shoal.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Known answers for the RFC 9162 tree hash. The leaf inputs and roots are the reference
 * vectors used by Certificate Transparency implementations (transparency-dev/merkle,
 * testonly/constants.go: LeafInputs, RootHashes, NodeHashes).
 */
class MerkleTreeTest {

  private static final HexFormat HEX = HexFormat.of();

  static final List<byte[]> LEAVES = List.of(
      HEX.parseHex(""),
      HEX.parseHex("00"),
      HEX.parseHex("10"),
      HEX.parseHex("2021"),
      HEX.parseHex("3031"),
      HEX.parseHex("40414243"),
      HEX.parseHex("5051525354555657"),
      HEX.parseHex("606162636465666768696a6b6c6d6e6f"));

  private static final List<String> ROOTS = List.of(
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

  private static final List<String> LEAF_HASHES = List.of(
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
      "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1");

  static List<byte[]> leafHashes(List<byte[]> leaves) {
    List<byte[]> hashes = new ArrayList<>();
    for (byte[] leaf : leaves) {
      hashes.add(MerkleTree.leafHash(leaf));
    }
    return hashes;
  }

  @Test
  void emptyTreeHashesToSha256OfTheEmptyString() {
    assertThat(HEX.formatHex(MerkleTree.root(List.of()))).isEqualTo(ROOTS.get(0));
    assertThat(HEX.formatHex(MerkleTree.emptyRoot())).isEqualTo(ROOTS.get(0));
  }

  @Test
  void leafHashesMatchTheReferenceVectors() {
    for (int i = 0; i < LEAVES.size(); i++) {
      assertThat(HEX.formatHex(MerkleTree.leafHash(LEAVES.get(i)))).as("leaf %d", i).isEqualTo(LEAF_HASHES.get(i));
    }
  }

  @Test
  void rootsOfOneToEightLeavesMatchTheReferenceVectors() {
    List<byte[]> hashes = leafHashes(LEAVES);
    for (int n = 0; n <= 8; n++) {
      assertThat(HEX.formatHex(MerkleTree.root(hashes.subList(0, n)))).as("tree of %d leaves", n).isEqualTo(ROOTS.get(n));
    }
  }

  @Test
  void interiorNodesMatchTheReferenceVectors() {
    List<byte[]> h = leafHashes(LEAVES);
    assertThat(HEX.formatHex(MerkleTree.nodeHash(h.get(6), h.get(7))))
        .isEqualTo("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0");
    assertThat(HEX.formatHex(MerkleTree.root(h.subList(4, 8))))
        .isEqualTo("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
  }

  // Proof vectors from transparency-dev/merkle, proof/verify_test.go (inclusionProofs and
  // consistencyProofs; that file numbers leaves from 1, these indices are from 0).
  private static final String A = "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7";
  private static final String B = "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e";
  private static final String C = "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4";
  private static final String D = "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b";
  private static final String E = "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0";
  private static final String F = "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7";
  private static final String G = "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125";
  private static final String H = "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d";
  private static final String I = "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a";
  private static final String J = "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f";

  private static void inclusion(int index, int size, String... expected) {
    List<byte[]> h = leafHashes(LEAVES);
    List<byte[]> proof = MerkleTree.inclusionProof(h, index, size);
    assertThat(proof).extracting(HEX::formatHex).as("leaf %d of %d", index, size).containsExactly(expected);
    assertThat(MerkleTree.verifyInclusion(h.get(index), index, size, proof, HEX.parseHex(ROOTS.get(size)))).isTrue();
  }

  private static void consistency(int m, int n, String... expected) {
    List<byte[]> h = leafHashes(LEAVES);
    List<byte[]> proof = MerkleTree.consistencyProof(h, m, n);
    assertThat(proof).extracting(HEX::formatHex).as("%d -> %d", m, n).containsExactly(expected);
    assertThat(MerkleTree.verifyConsistency(m, n, proof, HEX.parseHex(ROOTS.get(m)), HEX.parseHex(ROOTS.get(n))))
        .isTrue();
  }

  @Test
  void inclusionProofsMatchTheReferenceVectors() {
    inclusion(0, 1);
    inclusion(0, 8, A, B, C);
    inclusion(5, 8, D, E, F);
    inclusion(2, 3, G);
    inclusion(1, 5, H, B, D);
  }

  @Test
  void consistencyProofsMatchTheReferenceVectors() {
    consistency(1, 1);
    consistency(1, 8, A, B, C);
    consistency(6, 8, I, E, F);
    consistency(2, 5, B, D);
    consistency(6, 7, I, J, F);
    consistency(4, 8, C);
  }

  @Test
  void splitIsTheLargestPowerOfTwoBelowN() {
    assertThat(MerkleTree.split(2)).isEqualTo(1);
    assertThat(MerkleTree.split(3)).isEqualTo(2);
    assertThat(MerkleTree.split(4)).isEqualTo(2);
    assertThat(MerkleTree.split(5)).isEqualTo(4);
    assertThat(MerkleTree.split(8)).isEqualTo(4);
    assertThat(MerkleTree.split(9)).isEqualTo(8);
  }

  @Test
  void outOfRangeRequestsSayWhatIsAllowed() {
    List<byte[]> h = leafHashes(LEAVES);
    assertThatThrownBy(() -> MerkleTree.inclusionProof(h, 8, 8))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowed 0..7");
    assertThatThrownBy(() -> MerkleTree.inclusionProof(h, 0, 9))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowed 1..8");
    assertThatThrownBy(() -> MerkleTree.consistencyProof(h, 5, 4))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowed 1..4");
    assertThatThrownBy(() -> MerkleTree.consistencyProof(h, 0, 4))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowed 1..4");
    assertThatThrownBy(() -> MerkleTree.root(List.of(new byte[3])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must have 32");
  }

  @Test
  void verifiersRefuseMalformedArguments() {
    List<byte[]> h = leafHashes(LEAVES);
    byte[] root = MerkleTree.root(h);
    assertThat(MerkleTree.verifyInclusion(h.get(0), -1, 8, MerkleTree.inclusionProof(h, 0, 8), root)).isFalse();
    assertThat(MerkleTree.verifyInclusion(h.get(0), 8, 8, MerkleTree.inclusionProof(h, 0, 8), root)).isFalse();
    assertThat(MerkleTree.verifyInclusion(new byte[5], 0, 8, MerkleTree.inclusionProof(h, 0, 8), root)).isFalse();
    assertThat(MerkleTree.verifyConsistency(0, 8, List.of(), MerkleTree.emptyRoot(), root)).isFalse();
    assertThat(MerkleTree.verifyConsistency(8, 8, List.of(root), root, root)).isFalse();
    assertThat(MerkleTree.verifyConsistency(8, 8, List.of(), root, root)).isTrue();
  }
}
