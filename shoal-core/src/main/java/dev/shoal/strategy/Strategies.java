package dev.shoal.strategy;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The strategies on the class path, by name: the built-in ones and any a plugin jar registers
 * (see {@link StrategyFactory}). {@code fedavg} is the default.
 */
public final class Strategies {

  public static final String DEFAULT = "fedavg";

  private final Map<String, StrategyFactory> byName;

  private Strategies(Map<String, StrategyFactory> byName) {
    this.byName = byName;
  }

  /** Every strategy registered with {@link ServiceLoader} on the class path. */
  public static Strategies installed() {
    Map<String, StrategyFactory> m = new TreeMap<>();
    for (StrategyFactory f : ServiceLoader.load(StrategyFactory.class)) {
      StrategyFactory earlier = m.putIfAbsent(f.name(), f);
      if (earlier != null && !earlier.getClass().equals(f.getClass())) {
        throw new IllegalStateException("two strategies are called '%s': %s and %s"
            .formatted(f.name(), earlier.getClass().getName(), f.getClass().getName()));
      }
    }
    return new Strategies(m);
  }

  /** The names and one-line summaries, sorted by name. */
  public Map<String, String> summaries() {
    Map<String, String> m = new TreeMap<>();
    byName.forEach((name, f) -> m.put(name, f.summary()));
    return m;
  }

  /**
   * The strategy called {@code name}, made with {@code parameters}, every one of which it must use.
   *
   * @throws StrategyConfigurationException for an unknown name or a refused parameter
   */
  public Strategy create(String name, StrategyContext context, StrategyParameters parameters) {
    StrategyFactory f = byName.get(name);
    if (f == null) {
      throw new StrategyConfigurationException("unknown strategy '%s'; the strategies are: %s"
          .formatted(name, String.join(", ", byName.keySet())));
    }
    StrategyParameters mine = parameters.forStrategy(name);
    Strategy s = f.create(context, mine);
    mine.requireAllRead();
    return s;
  }
}
