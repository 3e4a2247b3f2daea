package dev.shoal.tensor;

import java.io.IOException;

/** A safetensors file that cannot be read or does not fit what was expected of it. */
public class SafetensorsException extends IOException {

  public SafetensorsException(String source, String problem) {
    super(source + ": " + problem);
  }
}
