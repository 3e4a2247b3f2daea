package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./shoal} launcher's first build: it says how long a build takes and shows each
 * module as Maven starts it. A real build takes minutes, so here {@code mvn} is a script that
 * prints what Maven prints at the start of each module and links the jar this build made (with
 * its lib/ folder) into place.
 */
class LauncherIT {

  @TempDir Path dir;

  @Test
  void theFirstBuildShowsItsProgressModuleByModule() throws Exception {
    Path checkout = Path.of(System.getProperty("user.dir")).getParent();
    Path root = Files.createDirectories(dir.resolve("shoal"));
    Files.copy(checkout.resolve("shoal"), root.resolve("shoal"));
    Files.createDirectories(root.resolve("scripts"));
    Files.copy(checkout.resolve("scripts/find-jdk.sh"), root.resolve("scripts/find-jdk.sh"));
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path mvn = bin.resolve("mvn");
    Files.writeString(mvn, """
        #!/usr/bin/env bash
        echo "[INFO] Scanning for projects..."
        echo "[INFO] Building Shoal 0.1.0-SNAPSHOT                                      [1/2]"
        echo "[INFO] Building Shoal app 0.1.0-SNAPSHOT                                  [2/2]"
        mkdir -p shoal-app && ln -s "$(dirname "$SHOAL_BUILT_JAR")" shoal-app/target
        """);
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path err = dir.resolve("err.txt");
    Path out = dir.resolve("out.txt");
    ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("shoal").toString(), "--version")
        .redirectError(err.toFile()).redirectOutput(out.toFile());
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().put("SHOAL_BUILT_JAR", System.getProperty("shoal.jar"));
    pb.environment().put("SHOAL_JAVA_HOME", System.getProperty("java.home"));
    Process p = pb.start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(stderr).isZero();
    assertThat(stderr).contains("takes 5 to 15 minutes", "shoal: building Shoal (module 1 of 2",
        "shoal: building Shoal app (module 2 of 2", "shoal: built in");
    assertThat(Files.readString(out)).containsIgnoringCase("shoal");
  }
}
