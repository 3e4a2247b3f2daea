package dev.shoal.anchor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import org.web3j.crypto.Credentials;

/**
 * Reads the signing key of the account that writes to the chain: a file that holds one
 * secp256k1 private key as 64 hex characters (an optional {@code 0x} prefix and surrounding
 * whitespace are allowed). The file must be readable by its owner only.
 */
public final class KeyFile {

  private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(
      PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

  private KeyFile() {
  }

  /** Loads the key in {@code file}; never puts the key's text in an exception message. */
  public static Credentials load(Path file) {
    checkPermissions(file);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("key file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read key file " + file + ": " + e.getMessage(), e);
    }
    String hex = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
    if (hex.length() != 64 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw new IllegalArgumentException("key file " + file
          + " must hold one private key as 64 hex characters (optionally 0x-prefixed); it holds "
          + hex.length() + " characters" + (hex.length() == 64 ? " that are not all hex digits" : ""));
    }
    if (HexFormat.of().parseHex(hex).length != 32 || hex.chars().allMatch(c -> c == '0')) {
      throw new IllegalArgumentException("key file " + file + " holds the zero key, which is not a valid private key");
    }
    return Credentials.create(hex);
  }

  private static void checkPermissions(Path file) {
    PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (view == null) {
      return;
    }
    Set<PosixFilePermission> permissions;
    try {
      permissions = view.readAttributes().permissions();
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("key file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the permissions of key file " + file + ": " + e.getMessage(), e);
    }
    if (permissions.stream().anyMatch(GROUP_OR_OTHERS::contains)) {
      throw new IllegalArgumentException("key file " + file + " is accessible by group or others ("
          + PosixFilePermissions.toString(permissions) + "); allow its owner only: chmod 600 " + file);
    }
  }
}
