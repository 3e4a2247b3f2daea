package dev.shoal.djl;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts DJL's PyTorch engine once per JVM: offline (natives come from the class path, nothing is
 * downloaded) and with the configured thread pools.
 *
 * <p>PyTorch reads its thread settings when it starts, so call {@link #configure} before the first
 * model is built; afterwards only the same settings are accepted.
 */
public final class DjlEngine {

  /** The DJL engine Shoal trains with. */
  public static final String ENGINE_NAME = "PyTorch";

  static final String OFFLINE = "ai.djl.offline";
  static final String INTRA_OP_THREADS = "ai.djl.pytorch.num_threads";
  static final String INTER_OP_THREADS = "ai.djl.pytorch.num_interop_threads";

  private static final Logger log = LoggerFactory.getLogger(DjlEngine.class);

  private static EngineSettings settings = EngineSettings.DEFAULT;
  private static volatile Engine engine;

  private DjlEngine() {}

  /**
   * Sets the engine's thread pools.
   *
   * @throws IllegalStateException if the engine already runs with other settings
   */
  public static synchronized void configure(EngineSettings newSettings) {
    Objects.requireNonNull(newSettings, "settings");
    if (engine != null) {
      if (!newSettings.equals(settings)) {
        throw new IllegalStateException(
            "the PyTorch engine already started with %s; configure threads before the first model is trained"
                .formatted(settings));
      }
      return;
    }
    settings = newSettings;
  }

  /** The started engine; starts it on first use. */
  public static Engine get() {
    Engine started = engine;
    if (started == null) {
      started = start();
    }
    return started;
  }

  /**
   * The thread pools the running engine reports (PyTorch's {@code get_num_threads} and {@code
   * get_num_interop_threads}); starts the engine if it has not started.
   */
  public static EngineSettings running() {
    get();
    return new EngineSettings(JniUtils.getNumThreads(), JniUtils.getNumInteropThreads());
  }

  private static synchronized Engine start() {
    if (engine != null) {
      return engine;
    }
    if (System.getProperty(OFFLINE) == null) {
      System.setProperty(OFFLINE, "true");
    }
    setThreads(INTRA_OP_THREADS, settings.intraOpThreads());
    setThreads(INTER_OP_THREADS, settings.interOpThreads());
    Engine started = Engine.getEngine(ENGINE_NAME);
    log.info(
        "engine started engine={} version={} djl_version={} intra_op_threads={} inter_op_threads={} offline={}",
        started.getEngineName(),
        started.getVersion(),
        Engine.getDjlVersion(),
        describe(INTRA_OP_THREADS),
        describe(INTER_OP_THREADS),
        System.getProperty(OFFLINE));
    engine = started;
    return started;
  }

  private static void setThreads(String property, int threads) {
    if (threads > 0) {
      System.setProperty(property, Integer.toString(threads));
    }
  }

  private static String describe(String property) {
    return System.getProperty(property, "default");
  }
}
