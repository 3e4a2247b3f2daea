package dev.shoal.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the packaged {@code shoal.jar} as a separate process, as a user would. */
final class Shoal {

  /** What a finished process printed and returned. */
  record Result(int exitCode, String out, String err) {}

  private Shoal() {}

  static Result run(Path workDir, String... args) throws IOException, InterruptedException {
    Path out = Files.createTempFile("shoal-out", ".txt");
    Path err = Files.createTempFile("shoal-err", ".txt");
    Process p = start(workDir, out, err, args);
    if (!p.waitFor(20, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("shoal " + String.join(" ", args) + " did not finish in 20 minutes");
    }
    Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  /** Starts shoal in the background, its output going to {@code out} and {@code err}. */
  static Process start(Path workDir, Path out, Path err, String... args) throws IOException {
    return start(workDir, out, err, List.of(), args);
  }

  /** Starts shoal in the background with extra JVM options, such as {@code -Dshoal.fault=STEP}. */
  static Process start(Path workDir, Path out, Path err, List<String> jvmOptions, String... args) throws IOException {
    return start(List.of(), workDir, out, err, jvmOptions, args);
  }

  /**
   * Starts shoal in the background behind {@code prefix}, a command that execs the rest (such as
   * {@code ip netns exec NS}), so that the process is the JVM itself.
   */
  static Process start(List<String> prefix, Path workDir, Path out, Path err, List<String> jvmOptions, String... args)
      throws IOException {
    String jar = System.getProperty("shoal.jar");
    if (jar == null || !Files.exists(Path.of(jar))) {
      throw new IllegalStateException("shoal.jar not built; run these tests with 'mvn verify'");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of(
        java, "-Xmx3g", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true"));
    if (Runtime.version().feature() >= 23) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar));
    command.addAll(List.of(args));
    var builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    // as the launcher does: glibc keeps libtorch's large buffers instead of returning them every step
    builder.environment().putIfAbsent("MALLOC_MMAP_THRESHOLD_", "268435456");
    builder.environment().putIfAbsent("MALLOC_TRIM_THRESHOLD_", "1073741824");
    return builder.start();
  }
}
