package dev.shoal.anchor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.abi.datatypes.generated.Uint32;
import org.web3j.abi.datatypes.generated.Uint64;

/** The ShoalAnchor contract's functions as web3j ABI values, and its compiled bytecode. */
final class ShoalAnchorAbi {

  static final String RESOURCE_DIR = "/dev/shoal/anchor/";

  private ShoalAnchorAbi() {
  }

  /** The creation bytecode, 0x-prefixed, as compiled by scripts/compile-contract.sh. */
  static String bytecode() {
    return "0x" + resource("ShoalAnchor.bin").strip();
  }

  static String resource(String name) {
    try (InputStream in = ShoalAnchorAbi.class.getResourceAsStream(RESOURCE_DIR + name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE_DIR + name
            + " is missing from the shoal-anchor jar; run scripts/compile-contract.sh");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Function anchor(byte[] runId, long treeSize, byte[] root) {
    return new Function("anchor",
        List.of(new Bytes32(runId), new Uint64(BigInteger.valueOf(treeSize)), new Bytes32(root)),
        List.of());
  }

  static Function addRewards(byte[] runId, int round, List<String> names, List<BigInteger> amounts) {
    return new Function("addRewards",
        List.of(new Bytes32(runId), new Uint32(round),
            new DynamicArray<>(Utf8String.class, names.stream().map(Utf8String::new).toList()),
            new DynamicArray<>(Uint256.class, amounts.stream().map(Uint256::new).toList())),
        List.of());
  }

  static Function checkpointCount(byte[] runId) {
    return new Function("checkpointCount", List.of(new Bytes32(runId)), List.of(new TypeReference<Uint256>() {}));
  }

  static Function checkpointAt(byte[] runId, long index) {
    return new Function("checkpointAt", List.of(new Bytes32(runId), new Uint256(index)), checkpointOutputs());
  }

  static Function latestCheckpoint(byte[] runId) {
    return new Function("latestCheckpoint", List.of(new Bytes32(runId)), checkpointOutputs());
  }

  static Function rewardsAdded(byte[] runId, int round) {
    return new Function("rewardsAdded", List.of(new Bytes32(runId), new Uint32(round)),
        List.of(new TypeReference<Bool>() {}));
  }

  static Function balanceOf(String participant) {
    return new Function("balanceOf", List.of(new Utf8String(participant)), List.of(new TypeReference<Uint256>() {}));
  }

  static Function owner() {
    return new Function("owner", List.of(), List.of(new TypeReference<org.web3j.abi.datatypes.Address>() {}));
  }

  private static List<TypeReference<?>> checkpointOutputs() {
    return List.of(new TypeReference<Uint64>() {}, new TypeReference<Bytes32>() {}, new TypeReference<Uint64>() {});
  }
}
