package dev.shoal.djl;

import dev.shoal.tensor.ContentId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A TorchScript file ({@code torch.jit.save} output) and its architecture's content id: the
 * sha256 of the file's bytes, as {@code sha256:<hex>}.
 *
 * @param path where the file is
 * @param id the file's content id
 * @param declaresBuffers whether a module in it declares buffers (BatchNorm running statistics,
 *     for instance), read from the archive's code
 */
public record TorchScriptFile(Path path, String id, boolean declaresBuffers) {

  /** The file name ending that marks a TorchScript file on the command line. */
  public static final String SUFFIX = ".pt";

  private static final Pattern BUFFERS = Pattern.compile("__buffers__\\s*=\\s*\\[\\s*\"");

  public TorchScriptFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(id, "id");
  }

  /** Whether {@code model} (a {@code --model} value) names a TorchScript file rather than a zoo model. */
  public static boolean looksLikeFile(String model) {
    return model.endsWith(SUFFIX) || model.endsWith(".pth") || model.contains("/");
  }

  /**
   * Reads {@code path}.
   *
   * @throws IncompatibleDataException if it does not exist or is not a TorchScript archive
   */
  public static TorchScriptFile read(Path path) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new IncompatibleDataException("model file %s does not exist".formatted(path));
    } catch (IOException e) {
      throw new IncompatibleDataException("cannot read model file %s: %s".formatted(path, e.getMessage()));
    }
    boolean code = false;
    boolean buffers = false;
    try (var zip = new ZipFile(path.toFile())) {
      for (ZipEntry e : java.util.Collections.list(zip.entries())) {
        String name = e.getName();
        if (name.contains("/code/") && name.endsWith(".py")) {
          code = true;
          try (var in = zip.getInputStream(e)) {
            buffers |= BUFFERS.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8)).find();
          }
        }
      }
    } catch (ZipException e) {
      code = false;
    } catch (IOException e) {
      throw new IncompatibleDataException("cannot read model file %s: %s".formatted(path, e.getMessage()));
    }
    if (!code) {
      throw new IncompatibleDataException(
          "model file %s is not a TorchScript file (the zip archive torch.jit.save writes, with the module's code)"
              .formatted(path));
    }
    return new TorchScriptFile(path, ContentId.of(bytes).value(), buffers);
  }

  /** The file name, for messages. */
  public String name() {
    return path.getFileName().toString();
  }
}
