package dev.shoal.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
    List<String> command = new ArrayList<>(prefix);
    command.addAll(java());
    command.addAll(classArchive(Path.of(jar)));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar));
    command.addAll(List.of(args));
    return launch(command, workDir, out, err);
  }

  /** This JVM's java and the options every launch shares. */
  private static List<String> java() {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "-Xmx3g", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true"));
    if (Runtime.version().feature() >= 23) {
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
    return command;
  }

  private static Process launch(List<String> command, Path workDir, Path out, Path err) throws IOException {
    var builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    // as the launcher does: glibc keeps libtorch's large buffers instead of returning them every step
    builder.environment().putIfAbsent("MALLOC_MMAP_THRESHOLD_", "268435456");
    builder.environment().putIfAbsent("MALLOC_TRIM_THRESHOLD_", "1073741824");
    return builder.start();
  }

  private static List<String> archiveOptions;

  /**
   * The options that start a JVM from a class-data archive of {@code jar} (made once per build of
   * the jar, by a short simulation over gRPC and mutual TLS, which loads most of what the tests'
   * processes load): each launch then spends about half a second less loading classes. Tests run
   * unchanged without it, so a failure to make it only costs that time.
   */
  private static synchronized List<String> classArchive(Path jar) throws IOException {
    if (archiveOptions == null) {
      Path archive = jar.resolveSibling("its-" + Files.getLastModifiedTime(jar).toMillis() + ".jsa");
      if (!Files.exists(archive)) {
        try (var stale = Files.newDirectoryStream(jar.getParent(), "its-*.jsa")) {
          for (Path old : stale) {
            Files.delete(old); // an earlier build's, which no JVM can use with this jar
          }
        }
        Path work = Files.createTempDirectory(jar.getParent(), "class-archive-run");
        Path written = work.resolve("classes.jsa");
        List<String> command = java();
        command.addAll(List.of("-XX:ArchiveClassesAtExit=" + written, "-jar", jar.toString(), "simulate",
            "--transport", "grpc", "--model", "logreg", "--clients", "2", "--rounds", "1", "--out", "run"));
        Process p = launch(command, work, work.resolve("out.txt"), work.resolve("err.txt"));
        try {
          if (p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0 && Files.exists(written)) {
            Files.move(written, archive, StandardCopyOption.ATOMIC_MOVE);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        p.destroyForcibly();
      }
      // the JDK's base archive was dumped without --enable-native-access, which the JVM reports on
      // stdout at every start (and then uses the archive all the same)
      archiveOptions = Files.exists(archive) ? List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off") : List.of();
    }
    return archiveOptions;
  }
}
