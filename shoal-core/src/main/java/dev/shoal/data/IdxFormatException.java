package dev.shoal.data;

import java.io.IOException;

/**
 * A file that should hold MNIST-style IDX data does not: wrong magic number, bad dimensions,
 * truncated or trailing bytes, a label outside 0..9, or images and labels that do not pair
 * up. The message starts with the file and says what is wrong, for example {@code
 * train-images-idx3-ubyte.gz: expected magic 0x00000803 (images), found 0x00000801}.
 */
public final class IdxFormatException extends IOException {

  private final String file;
  private final String problem;

  /**
   * @param file the file (or resource) as the user named it
   * @param problem what is wrong with it, in words a user can act on
   */
  public IdxFormatException(String file, String problem) {
    super(file + ": " + problem);
    this.file = file;
    this.problem = problem;
  }

  /** Same as {@link #IdxFormatException(String, String)}, keeping the underlying cause. */
  public IdxFormatException(String file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
    this.problem = problem;
  }

  /** The file or resource that is malformed. */
  public String file() {
    return file;
  }

  /** What is wrong with it, without the file name. */
  public String problem() {
    return problem;
  }
}
