package dev.shoal.anchor;

import java.nio.charset.StandardCharsets;
import org.web3j.crypto.Hash;

/**
 * On-chain keys. A run is stored under keccak256 of its UTF-8 name; the contract keys a
 * participant's balance the same way (it hashes the name it is given).
 */
public final class RunId {

  private RunId() {
  }

  /** The 32-byte on-chain id of the run named {@code run}: keccak256(UTF-8 bytes of the name). */
  public static byte[] of(String run) {
    if (run == null || run.isBlank()) {
      throw new IllegalArgumentException("run name must not be blank");
    }
    return Hash.sha3(run.getBytes(StandardCharsets.UTF_8));
  }
}
