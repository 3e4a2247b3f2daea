package dev.shoal.app;

import dev.shoal.io.AtomicFile;
import dev.shoal.store.BlobStore;
import dev.shoal.store.Run;
import dev.shoal.store.RunStore;
import dev.shoal.tensor.ContentId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import dev.shoal.tensor.ParameterSet;
import dev.shoal.tensor.Safetensors;

/**
 * The output files of one run: {@code metrics.jsonl}, {@code model.safetensors} and the ledger
 * directory. In a coordinator's state directory the first run created there keeps them at the top
 * of the directory (where Shoal has always written them), and every other run gets a directory
 * of its own, {@code runs/NAME/}, so that starting one run never touches another's outputs.
 */
record RunOutputs(Path dir, UnaryOperator<ParameterSet> complete) {

  /** Outputs whose model file is the global model as it is exchanged. */
  RunOutputs(Path dir) {
    this(dir, UnaryOperator.identity());
  }

  /**
   * These outputs with {@code model.safetensors} written as {@code complete} makes the exchanged
   * model whole ({@link dev.shoal.train.Trainer#complete}: the frozen tensors of {@code
   * --train-params} added).
   */
  RunOutputs completing(UnaryOperator<ParameterSet> completion) {
    return new RunOutputs(dir, completion);
  }

  /** Where the runs after the first keep their outputs, inside the state directory. */
  static final String RUNS = "runs";
  static final String METRICS = "metrics.jsonl";
  static final String MODEL = "model.safetensors";

  /** The outputs of run {@code run} in the state directory {@code stateDir}, whose database is {@code runs}. */
  static RunOutputs inStateDirectory(Path stateDir, RunStore runs, String run) {
    return new RunOutputs(placement(stateDir, runs.runs().stream().map(Run::name).toList(), run));
  }

  /** The first run (or a state directory with none yet) writes at the top; the others in {@code runs/NAME}. */
  static Path placement(Path stateDir, List<String> runsOldestFirst, String run) {
    if (runsOldestFirst.isEmpty() || runsOldestFirst.get(0).equals(run)) {
      return stateDir;
    }
    if (!run.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new UserError("--run-name '" + run + "': a second run in a state directory gets a directory named after"
          + " it, so its name may hold only letters, digits, '.', '_' and '-', starting with a letter or digit");
    }
    return stateDir.resolve(RUNS).resolve(run);
  }

  /**
   * The directory of run {@code run} in {@code dir} for a reader: {@code dir} itself without a
   * name, {@code dir/runs/NAME} for a later run, or {@code dir} when its top-level ledger is the
   * named run's; a {@link UserError} listing the runs there otherwise.
   */
  static Path forReading(Path dir, String run) {
    if (run == null) {
      return dir;
    }
    Path own = dir.resolve(RUNS).resolve(run);
    if (Files.isDirectory(own)) {
      return own;
    }
    Optional<String> top = topRun(dir);
    if (top.isPresent() && top.get().equals(run)) {
      return dir;
    }
    List<String> names = new java.util.ArrayList<>();
    top.ifPresent(names::add);
    try (var runs = Files.list(dir.resolve(RUNS))) {
      runs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().forEach(names::add);
    } catch (IOException e) {
      // no later runs
    }
    throw new UserError("no run '" + run + "' in " + dir + (names.isEmpty() ? "" : "; its runs are " + names));
  }

  /** The run whose ledger is at the top of a state directory, from its log key's name {@code shoal/RUN}. */
  private static Optional<String> topRun(Path dir) {
    Path pub = dir.resolve(RunLedger.DIR).resolve(RunLedger.PUBLIC_KEY);
    try {
      String name = Files.readString(pub, StandardCharsets.US_ASCII).strip().split("\\+", 2)[0];
      return name.startsWith("shoal/") ? Optional.of(name.substring("shoal/".length())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  Path metrics() {
    return dir.resolve(METRICS);
  }

  Path model() {
    return dir.resolve(MODEL);
  }

  /** Appends one line to {@code metrics.jsonl} and forces it to disk. */
  void appendMetrics(String line) throws IOException {
    Files.createDirectories(dir);
    try (FileChannel ch = FileChannel.open(metrics(), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.APPEND)) {
      ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(false);
    }
  }

  /** Replaces {@code metrics.jsonl} with these lines, atomically. */
  void writeMetrics(List<String> lines) throws IOException {
    StringBuilder text = new StringBuilder();
    lines.forEach(l -> text.append(l).append('\n'));
    AtomicFile.write(metrics(), text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Whether {@code metrics.jsonl} holds exactly these lines. */
  boolean metricsHold(List<String> lines) throws IOException {
    StringBuilder text = new StringBuilder();
    lines.forEach(l -> text.append(l).append('\n'));
    return Files.isRegularFile(metrics())
        && java.util.Arrays.equals(Files.readAllBytes(metrics()), text.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Replaces {@code model.safetensors} with the model blob {@code id}, made whole, atomically. */
  void writeModel(BlobStore blobs, ContentId id) throws IOException {
    if (complete.equals(UnaryOperator.identity())) {
      AtomicFile.write(model(), out -> {
        try (InputStream in = blobs.open(id)) {
          in.transferTo(out);
        }
      });
    } else {
      ParameterSet whole = complete.apply(blobs.readModel(id));
      AtomicFile.write(model(), out -> Safetensors.write(whole, out));
    }
  }

  /** Whether {@code model.safetensors} is the model blob {@code id}, made whole. */
  boolean modelHolds(BlobStore blobs, ContentId id) throws IOException {
    Optional<ContentId> written = modelId();
    if (written.isEmpty()) {
      return false;
    }
    return complete.equals(UnaryOperator.identity()) ? written.get().equals(id)
        : written.get().equals(ContentId.of(complete.apply(blobs.readModel(id))));
  }

  /** The content id of {@code model.safetensors}, or empty when there is none. */
  Optional<ContentId> modelId() throws IOException {
    if (!Files.isRegularFile(model())) {
      return Optional.empty();
    }
    MessageDigest sha256 = ContentId.sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(model()), sha256)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return Optional.of(ContentId.of(sha256));
  }
}
