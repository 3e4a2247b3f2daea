package dev.shoal.tensor;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
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
    return new ContentId("sha256:" + HexFormat.of().formatHex(sha256().digest(bytes)));
  }

  /** The id of a parameter set: the hash of its canonical safetensors encoding. */
  public static ContentId of(ParameterSet parameters) {
    MessageDigest sha256 = sha256();
    try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha256)) {
      Safetensors.write(parameters, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot hash a parameter set", e);
    }
    return of(sha256);
  }

  /** The id of the bytes {@code sha256} has digested. */
  public static ContentId of(MessageDigest sha256) {
    return new ContentId("sha256:" + HexFormat.of().formatHex(sha256.digest()));
  }

  /** A fresh SHA-256 digest. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  @Override
  public String toString() {
    return value;
  }
}
