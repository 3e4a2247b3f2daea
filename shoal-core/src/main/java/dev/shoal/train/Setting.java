package dev.shoal.train;

/**
 * One value of a round's open settings ({@link Settings}): a number, an integer, a text or a flag.
 * A required setting that a node does not understand makes it refuse the instruction; an
 * optional one it does not understand is ignored.
 */
public sealed interface Setting {

  boolean required();

  /** The value as a plain Java object: Double, Long, String or Boolean. */
  Object value();

  record Number(double number, boolean required) implements Setting {
    public Number {
      if (!Double.isFinite(number)) {
        throw new IllegalArgumentException("a number setting must be finite, got " + number);
      }
    }

    @Override
    public Object value() {
      return number;
    }
  }

  record Integer(long integer, boolean required) implements Setting {
    @Override
    public Object value() {
      return integer;
    }
  }

  record Text(String text, boolean required) implements Setting {
    public Text {
      java.util.Objects.requireNonNull(text, "text");
    }

    @Override
    public Object value() {
      return text;
    }
  }

  record Flag(boolean flag, boolean required) implements Setting {
    @Override
    public Object value() {
      return flag;
    }
  }
}
