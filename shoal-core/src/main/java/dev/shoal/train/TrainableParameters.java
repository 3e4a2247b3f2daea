package dev.shoal.train;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which of a model's tensors are trained and exchanged ({@code --train-params GLOB}, repeatable):
 * the tensors whose {@code state_dict} name matches one of the globs. The others are frozen: no
 * step changes them and they never travel; every site takes them from the architecture itself.
 * {@code *} matches any run of characters (dots included), {@code ?} one character. No globs means
 * every tensor.
 *
 * @param globs the globs, in the order given; empty for every tensor
 */
public record TrainableParameters(List<String> globs) {

  /** Every tensor trained and exchanged: the default. */
  public static final TrainableParameters ALL = new TrainableParameters(List.of());

  /** How many tensor names a refusal lists. */
  private static final int NAMES_SHOWN = 8;

  public TrainableParameters {
    globs = List.copyOf(Objects.requireNonNull(globs, "globs"));
    for (String g : globs) {
      if (g == null || g.isBlank()) {
        throw new IllegalArgumentException("--train-params needs a glob of tensor names, got nothing");
      }
    }
  }

  /**
   * The setting {@link #describe()} wrote: globs separated by commas; empty or null for every
   * tensor.
   */
  public static TrainableParameters parse(String text) {
    if (text == null || text.isBlank()) {
      return ALL;
    }
    return new TrainableParameters(List.of(text.split(",", -1)));
  }

  /** Whether every tensor is trained. */
  public boolean all() {
    return globs.isEmpty();
  }

  /** The globs separated by commas, as the run and a model's metadata record them; empty for every tensor. */
  public String describe() {
    return String.join(",", globs);
  }

  /** Whether {@code name} is trained. */
  public boolean matches(String name) {
    if (all()) {
      return true;
    }
    for (String g : globs) {
      if (pattern(g).matcher(name).matches()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The trained tensors of a model, in its order.
   *
   * @param model the model's name, for messages
   * @param tensors the model's tensor names (parameters and buffers), in its order
   * @param parameters those of {@code tensors} that a gradient step changes (not buffers)
   * @throws IllegalArgumentException naming the model's first tensors if a glob matches none of
   *     them, or if no parameter is left to train
   */
  public Set<String> select(String model, List<String> tensors, Set<String> parameters) {
    if (all()) {
      return new LinkedHashSet<>(tensors);
    }
    for (String g : globs) {
      Pattern p = pattern(g);
      if (tensors.stream().noneMatch(t -> p.matcher(t).matches())) {
        throw new IllegalArgumentException("--train-params '%s' matches no tensor of model %s; its tensors are %s"
            .formatted(g, model, firstFew(tensors)));
      }
    }
    var selected = new LinkedHashSet<String>();
    for (String t : tensors) {
      if (matches(t)) {
        selected.add(t);
      }
    }
    if (selected.stream().noneMatch(parameters::contains)) {
      throw new IllegalArgumentException(
          "--train-params %s leaves every parameter of model %s frozen (it matches only buffers %s); its parameters are %s"
              .formatted(describe(), model, firstFew(List.copyOf(selected)),
                  firstFew(tensors.stream().filter(parameters::contains).toList())));
    }
    return selected;
  }

  private static String firstFew(List<String> names) {
    List<String> shown = new ArrayList<>(names.subList(0, Math.min(NAMES_SHOWN, names.size())));
    return String.join(", ", shown) + (names.size() > NAMES_SHOWN ? ", ... (" + names.size() + " in all)" : "");
  }

  private static Pattern pattern(String glob) {
    var regex = new StringBuilder();
    var literal = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*' || c == '?') {
        if (!literal.isEmpty()) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (!literal.isEmpty()) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString());
  }
}
