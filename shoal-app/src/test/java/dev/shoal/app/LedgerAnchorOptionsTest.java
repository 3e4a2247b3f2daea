package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code --anchor-*} options of runs and {@code shoal ledger anchor}'s checks before it reaches a chain. */
class LedgerAnchorOptionsTest extends InProcessCommandTest {

  @TempDir Path dir;

  /** Ganache's deterministic account 0: a public test key. */
  private static final String TEST_KEY = "4f3edf983ac636a65a842ce7c78d9aa706d3b113bce9c46f30d7d21715b23b1d";

  private Path keyFile() throws Exception {
    Path key = dir.resolve("anchor.key");
    Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(key, TEST_KEY + "\n", StandardCharsets.US_ASCII);
    return key;
  }

  private int simulate(String... anchorOptions) {
    String[] base = {"simulate", "--model", "logreg", "--clients", "3", "--rounds", "1", "--contribution", "loo",
        "--out", dir.resolve("run").toString()};
    String[] args = new String[base.length + anchorOptions.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(anchorOptions, 0, args, base.length, anchorOptions.length);
    return shoal(args);
  }

  @Test
  void anchoringNamesTheOptionThatIsMissingOrWrong() throws Exception {
    assertThat(simulate("--anchor-rpc", "http://127.0.0.1:8545")).isEqualTo(1);
    assertThat(err.toString()).contains("--anchor-rpc needs --anchor-key-file FILE");

    assertThat(simulate("--anchor-rpc", "http://127.0.0.1:8545", "--anchor-key-file", "k")).isEqualTo(1);
    assertThat(err.toString()).contains("--anchor-rpc needs --anchor-chain-id N");

    assertThat(simulate("--anchor-rpc", "http://127.0.0.1:8545", "--anchor-key-file", "k", "--anchor-chain-id", "31337",
        "--anchor-every", "0")).isEqualTo(1);
    assertThat(err.toString()).contains("anchor-every must be 1 or more");

    assertThat(simulate("--anchor-rpc", "127.0.0.1:8545", "--anchor-key-file", "k", "--anchor-chain-id", "31337"))
        .isEqualTo(1);
    assertThat(err.toString()).contains("rpc must be an http:// or https:// URL");

    assertThat(simulate("--anchor-key-file", "k", "--anchor-every", "2")).isEqualTo(1);
    assertThat(err.toString()).contains("--anchor-key-file, --anchor-every given without --anchor-rpc");

    assertThat(simulate("--no-ledger", "--anchor-rpc", "http://127.0.0.1:8545", "--anchor-key-file", "k",
        "--anchor-chain-id", "31337")).isEqualTo(1);
    assertThat(err.toString()).contains("--no-ledger turns the ledger off");
    assertThat(dir.resolve("run")).doesNotExist();
  }

  @Test
  void jobFilesTakeTheAnchorKeys() throws Exception {
    Path job = dir.resolve("job.yaml");
    Files.writeString(job, "model: logreg\nanchor-rpc: http://127.0.0.1:8545\nanchor-every: 2\n");
    assertThat(shoal("simulate", "--config", job.toString(), "--out", dir.resolve("run").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("--anchor-rpc needs --anchor-key-file FILE");
  }

  @Tag("slow")
  @Test
  void aRunWhoseChainIsUnreachableGoesOnAndLeavesNoContractBehind() throws Exception {
    assertThat(simulate("--anchor-rpc", "http://127.0.0.1:1", "--anchor-key-file", keyFile().toString(),
        "--anchor-chain-id", "31337")).as(err.toString()).isZero();
    assertThat(dir.resolve("run/model.safetensors")).exists();
    assertThat(dir.resolve("run/ledger/anchor.json")).doesNotExist();
    assertThat(shoal("ledger", "verify", dir.resolve("run").toString())).isZero();
  }

  @Test
  void anchoringNeedsALedgerAndAValidChainId() throws Exception {
    assertThat(shoal("ledger", "anchor", dir.toString(), "--rpc", "http://127.0.0.1:1", "--key-file",
        keyFile().toString(), "--chain-id", "31337")).isEqualTo(1);
    assertThat(err.toString()).contains("has no ledger");

    assertThat(shoal("ledger", "anchor", dir.toString(), "--rpc", "http://127.0.0.1:1", "--key-file", "k",
        "--chain-id", "0")).isEqualTo(1);
    assertThat(err.toString()).contains("chain-id must be a positive number");

    assertThat(shoal("ledger", "anchor", dir.toString(), "--rpc", "http://127.0.0.1:1", "--key-file", "k")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--chain-id=N'");
  }
}
