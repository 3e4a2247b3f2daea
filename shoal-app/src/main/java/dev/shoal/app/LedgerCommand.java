package dev.shoal.app;

import java.util.ArrayList;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shoal.ledger.Checkpoint;
import dev.shoal.ledger.LedgerEntry;
import dev.shoal.ledger.MerkleTree;
import dev.shoal.ledger.ModelStepped;
import dev.shoal.ledger.RoundCompleted;
import dev.shoal.ledger.RunStarted;
import dev.shoal.ledger.SwarmRound;
import dev.shoal.tensor.ContentId;
import dev.shoal.tensor.Safetensors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "ledger",
    mixinStandardHelpOptions = true,
    description = {
      "The run's tamper-evident ledger (see docs/ledger.md). DIR is a run's directory: the --out of",
      "demo or simulate, or the coordinator's --state-dir; the ledger is DIR/ledger, or for a later",
      "run of a state directory (--run NAME) DIR/runs/NAME/ledger."
    },
    subcommands = {LedgerCommand.Show.class, LedgerCommand.Verify.class, LedgerCommand.Prove.class,
        LedgerCommand.Export.class, LedgerCommand.Provenance.class, AnchorCommand.class})
final class LedgerCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  private static final HexFormat HEX = HexFormat.of();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Command(name = "show", mixinStandardHelpOptions = true, description = "List the entries and the latest checkpoint.")
  static final class Show implements Callable<Integer> {
    @Parameters(paramLabel = "DIR") Path dir;

    @picocli.CommandLine.Mixin RunOption run;

    @Override
    public Integer call() throws Exception {
      LedgerCheck l = LedgerCheck.of(run.resolve(dir));
      System.out.printf(Locale.ROOT, "ledger %s: %d entries, %d checkpoints, log key %s%n",
          run.resolve(dir).resolve(RunLedger.DIR), l.entries().size(), l.checkpoints().size(), l.key().keyId());
      for (int i = 0; i < l.entries().size(); i++) {
        System.out.printf(Locale.ROOT, "%5d  %s%n", i, describe(LedgerEntry.parse(l.entries().get(i))));
      }
      if (!l.checkpoints().isEmpty()) {
        Checkpoint c = l.latest();
        System.out.printf(Locale.ROOT, "latest checkpoint: size %d, root %s%n", c.size(), HEX.formatHex(c.root()));
      }
      return 0;
    }

    private static String describe(LedgerEntry e) {
      return switch (e) {
        case RunStarted s -> "run_started      run %s, strategy %s, job %s, at %s"
            .formatted(s.run(), s.strategy(), s.jobConfigHash(), s.startedAt());
        case RoundCompleted r -> "round_completed  round %d, model %s, %d participants%s%s".formatted(
            r.round(), r.modelId(), r.participants().size(),
            r.metrics().containsKey("test_accuracy")
                ? String.format(Locale.ROOT, ", test_accuracy %.4f", r.metrics().get("test_accuracy")) : "",
            r.rewards().isEmpty() ? "" : ", rewards " + r.rewards());
        case ModelStepped m -> "model_stepped    step %d, model %s, %d updates from %d nodes, staleness %s%s".formatted(
            m.step(), m.modelId(), m.updates().size(), m.participants().size(),
            m.updates().stream().map(u -> Long.toString(u.staleness())).toList(),
            m.metrics().containsKey("test_accuracy")
                ? String.format(Locale.ROOT, ", test_accuracy %.4f", m.metrics().get("test_accuracy")) : "");
        case SwarmRound w -> "swarm_round      round %d, model %s, %d updates %s, %d members".formatted(
            w.round(), w.modelId(), w.participants().size(), w.participants(), w.members().size());
      };
    }
  }

  @Command(name = "verify", mixinStandardHelpOptions = true, description = {
      "Recompute every entry's hash, every checkpoint's root, signature, cosignatures and consistency",
      "with the one before; with --witness, also check the log against checkpoints that nodes kept;",
      "on a peer's state directory, that every checkpoint is cosigned by a quorum of the swarm's members;",
      "exit 1 naming the first entry or checkpoint that fails."})
  static final class Verify implements Callable<Integer> {
    @Parameters(paramLabel = "DIR") Path dir;

    @picocli.CommandLine.Mixin RunOption run;

    @Option(names = "--witness", paramLabel = "FILE", description = "A checkpoint a node cosigned and kept"
        + " (witness/checkpoint.note in its state directory); the log must still hold its tree. Repeatable.")
    List<Path> witnesses = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      if (Files.exists(dir.resolve(PeerCommand.COSIGNER_KEY))) {
        // a peer's state directory: no log key, each checkpoint cosigned by a quorum of the swarm's members
        var v = SwarmLedger.verify(dir.resolve("ledger"));
        System.out.printf(Locale.ROOT, "swarm ledger verified: %d entries, each checkpoint cosigned by a quorum of"
            + " the members, head %s%n", v.entries(), v.head() == null ? "none"
            : v.head().size() + " " + HEX.formatHex(v.head().root()));
        return 0;
      }
      LedgerCheck l = LedgerCheck.of(run.resolve(dir));
      List<String> kept = new ArrayList<>();
      for (Path w : witnesses) {
        kept.add(l.checkAgainst(w));
      }
      l.notices().forEach(n -> System.out.println("note: " + n));
      String root = l.checkpoints().isEmpty() ? HEX.formatHex(MerkleTree.emptyRoot()) : HEX.formatHex(l.latest().root());
      System.out.printf(Locale.ROOT, "ledger verified: %d entries, %d signed checkpoints, root %s, log key %s%n",
          l.entries().size(), l.checkpoints().size(), root, l.key().keyId());
      if (!l.cosigned().isEmpty()) {
        System.out.printf(Locale.ROOT, "cosigned by %d node(s), each up to: %s%n", l.cosigned().size(),
            String.join(", ", l.cosigned().entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()));
      }
      kept.forEach(k -> System.out.println("consistent with the checkpoint kept by " + k));
      return 0;
    }
  }

  @Command(name = "prove", mixinStandardHelpOptions = true, description = {
      "Print entry I, its inclusion proof in the latest checkpoint, and that checkpoint, as JSON."})
  static final class Prove implements Callable<Integer> {
    @Parameters(paramLabel = "DIR") Path dir;

    @picocli.CommandLine.Mixin RunOption run;

    @Option(names = "--entry", required = true, paramLabel = "I", description = "The entry's index.")
    long entry;

    @Override
    public Integer call() throws Exception {
      LedgerCheck l = LedgerCheck.of(run.resolve(dir));
      Checkpoint c = l.latest();
      if (entry < 0 || entry >= c.size()) {
        throw new UserError("entry must be in 0.." + (c.size() - 1) + " (the latest checkpoint covers " + c.size()
            + " entries), got " + entry);
      }
      List<byte[]> proof = MerkleTree.inclusionProof(l.leafHashes(), entry, c.size());
      byte[] leaf = l.leafHashes().get((int) entry);
      if (!MerkleTree.verifyInclusion(leaf, entry, c.size(), proof, c.root())) {
        throw new UserError("entry " + entry + " does not verify against the latest checkpoint");
      }
      ObjectNode out = JSON.createObjectNode();
      out.put("index", entry);
      out.put("tree_size", c.size());
      out.put("entry", new String(l.entries().get((int) entry), java.nio.charset.StandardCharsets.UTF_8));
      out.put("leaf_hash", HEX.formatHex(leaf));
      ArrayNode path = out.putArray("inclusion_proof");
      proof.forEach(h -> path.add(HEX.formatHex(h)));
      out.put("root", HEX.formatHex(c.root()));
      out.put("checkpoint", l.latestNote());
      out.put("log_key", l.key().verifierKey());
      System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
      return 0;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true, description = {
      "One JSON line per leaf, {\"index\": I, \"leaf\": \"<base64 of the exact bytes hashed>\"},",
      "then one per checkpoint, {\"checkpoint\": \"<the signed note>\"}."})
  static final class Export implements Callable<Integer> {
    @Parameters(paramLabel = "DIR") Path dir;

    @picocli.CommandLine.Mixin RunOption run;

    @Option(names = "--format", defaultValue = "jsonl", paramLabel = "jsonl", description = "Only jsonl (default).")
    String format;

    @Override
    public Integer call() throws Exception {
      if (!format.equals("jsonl")) {
        throw new UserError("format must be jsonl, got '" + format + "'");
      }
      LedgerCheck l = LedgerCheck.of(run.resolve(dir));
      for (int i = 0; i < l.entries().size(); i++) {
        ObjectNode line = JSON.createObjectNode();
        line.put("index", i);
        line.put("leaf", Base64.getEncoder().encodeToString(l.entries().get(i)));
        System.out.println(JSON.writeValueAsString(line));
      }
      for (String note : l.notes()) {
        System.out.println(JSON.writeValueAsString(JSON.createObjectNode().put("checkpoint", note)));
      }
      return 0;
    }
  }

  @Command(name = "provenance", mixinStandardHelpOptions = true, description = {
      "Which round produced MODEL, from which contributors, with the entry's inclusion proof checked."})
  static final class Provenance implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR") Path dir;

    @picocli.CommandLine.Mixin RunOption run;

    @Parameters(index = "1", paramLabel = "MODEL.safetensors") Path model;

    @Override
    public Integer call() throws Exception {
      if (!Files.isRegularFile(model)) {
        throw new UserError(model + ": no such model file");
      }
      String id = ContentId.of(Safetensors.read(model)).value();
      LedgerCheck l = LedgerCheck.of(run.resolve(dir));
      Checkpoint c = l.latest();
      for (int i = 0; i < c.size(); i++) {
        if (LedgerEntry.parse(l.entries().get(i)) instanceof RoundCompleted r && r.modelId().equals(id)) {
          boolean included = MerkleTree.verifyInclusion(l.leafHashes().get(i), i, c.size(),
              MerkleTree.inclusionProof(l.leafHashes(), i, c.size()), c.root());
          System.out.printf(Locale.ROOT, "%s is the global model of round %d of run %s (ledger entry %d)%n",
              id, r.round(), r.run(), i);
          System.out.printf(Locale.ROOT, "contributors: %s%n", r.participants().isEmpty()
              ? "none (the round kept the model before it)" : String.join(", ", r.participants()));
          r.participants().forEach(p -> System.out.printf(Locale.ROOT, "  %s  update %s%s%s%n", p,
              r.updateCommitments().getOrDefault(p, "-"),
              r.contributions().containsKey(p) ? String.format(Locale.ROOT, "  contribution %.4f", r.contributions().get(p)) : "",
              r.rewards().containsKey(p) ? String.format(Locale.ROOT, "  reward %s", r.rewards().get(p)) : ""));
          System.out.printf(Locale.ROOT, "inclusion in the signed checkpoint of size %d: %s%n", c.size(),
              included ? "verified" : "FAILED");
          return included ? 0 : 1;
        }
        if (LedgerEntry.parse(l.entries().get(i)) instanceof ModelStepped m && m.modelId().equals(id)) {
          boolean included = MerkleTree.verifyInclusion(l.leafHashes().get(i), i, c.size(),
              MerkleTree.inclusionProof(l.leafHashes(), i, c.size()), c.root());
          System.out.printf(Locale.ROOT, "%s is the global model of step %d of asynchronous run %s (ledger entry %d)%n",
              id, m.step(), m.run(), i);
          System.out.printf(Locale.ROOT, "contributors: %s%n", String.join(", ", m.participants()));
          m.updates().forEach(u -> System.out.printf(Locale.ROOT, "  %s  update %s  staleness %d  weight %.4f%n",
              u.node(), u.commitment(), u.staleness(), u.weight()));
          System.out.printf(Locale.ROOT, "inclusion in the signed checkpoint of size %d: %s%n", c.size(),
              included ? "verified" : "FAILED");
          return included ? 0 : 1;
        }
      }
      throw new UserError("no round in this ledger produced " + id);
    }
  }
}
