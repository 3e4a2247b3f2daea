package dev.shoal.anchor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed ABI and bytecode are what contracts/ShoalAnchor.sol compiles to with the pinned solc. */
@Tag("slow")
class ContractArtifactsTest {

  @Test
  void committedAbiAndBytecodeMatchTheContractSource(@TempDir Path out) throws Exception {
    assertThat(Tools.solcInstalled())
        .as("solc is not installed in tools/node_modules: the build installs it (npm ci --prefix tools)")
        .isTrue();
    Process compile = new ProcessBuilder(Tools.node(),
        Tools.root().resolve("scripts/compile-contract.mjs").toString(), out.toString())
        .redirectErrorStream(true)
        .start();
    String log = new String(compile.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(compile.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(compile.exitValue()).as("compiler output:%n%s", log).isZero();

    assertThat(Files.readString(out.resolve("ShoalAnchor.bin")))
        .as("committed bytecode is stale: run scripts/compile-contract.sh and commit the result")
        .isEqualTo(ShoalAnchorAbi.resource("ShoalAnchor.bin"));
    assertThat(Files.readString(out.resolve("ShoalAnchor.abi.json")))
        .as("committed ABI is stale: run scripts/compile-contract.sh and commit the result")
        .isEqualTo(ShoalAnchorAbi.resource("ShoalAnchor.abi.json"));
  }
}
