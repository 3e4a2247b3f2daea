package dev.shoal.tensor;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content id: {@code sha256:<64 lowercase hex digits>} of some canonical bytes. */
public record ContentId(String value) {

  private static final Pattern FORMAT = Pattern.compile("sha256:[0-9a-f]{64}");

  public ContentId {
    if (!FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "not a content id: '" + value + "' (expected sha256: followed by 64 lowercase hex digits)");
    }
  }

  public static ContentId of(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return new ContentId("sha256:" + HexFormat.of().formatHex(digest));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  /** The id of a parameter set: the hash of its canonical safetensors encoding. */
  public static ContentId of(ParameterSet parameters) {
    return of(Safetensors.encode(parameters));
  }

  @Override
  public String toString() {
    return value;
  }
}
