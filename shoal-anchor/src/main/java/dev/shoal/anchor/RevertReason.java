package dev.shoal.anchor;

import java.util.List;
import java.util.Optional;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;

/** Decodes Solidity's {@code Error(string)} revert data, the form {@code require(cond, "reason")} produces. */
final class RevertReason {

  /** The selector of {@code Error(string)}. */
  static final String ERROR_SELECTOR = "0x08c379a0";

  private RevertReason() {
  }

  /** The reason string in {@code data}, or empty when {@code data} is not an encoded {@code Error(string)}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Optional<String> decode(String data) {
    if (data == null) {
      return Optional.empty();
    }
    String hex = data.strip();
    if (hex.startsWith("\"") && hex.endsWith("\"") && hex.length() >= 2) {
      hex = hex.substring(1, hex.length() - 1);
    }
    // 4 selector bytes and whole 32-byte words: never the shape of a plain return value (whole words only)
    int payload = hex.length() - ERROR_SELECTOR.length();
    if (!hex.toLowerCase().startsWith(ERROR_SELECTOR) || payload <= 0 || payload % 64 != 0) {
      return Optional.empty();
    }
    try {
      List<Type> values = FunctionReturnDecoder.decode(hex.substring(ERROR_SELECTOR.length()),
          (List) List.of(new TypeReference<Utf8String>() {}));
      return values.isEmpty() ? Optional.empty() : Optional.of(((Utf8String) values.getFirst()).getValue());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
