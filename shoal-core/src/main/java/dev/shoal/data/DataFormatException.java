package dev.shoal.data;

import java.io.IOException;

/**
 * Data that cannot be used as it is: a ragged row, a cell that is not a number, a NaN, a label
 * outside the declared classes, an image that does not decode, a shape the model does not take.
 * The message starts with the place (file, file and line, archive entry) and says what is wrong,
 * for example {@code data.csv:17: column 'age' is 'n/a', not a number}.
 */
public final class DataFormatException extends IOException {

  private final String place;
  private final String problem;

  public DataFormatException(String place, String problem) {
    super(place + ": " + problem);
    this.place = place;
    this.problem = problem;
  }

  public DataFormatException(String place, String problem, Throwable cause) {
    super(place + ": " + problem, cause);
    this.place = place;
    this.problem = problem;
  }

  /** Where the problem is: a file, {@code file:line}, or {@code archive!entry}. */
  public String place() {
    return place;
  }

  /** What is wrong, without the place. */
  public String problem() {
    return problem;
  }
}
