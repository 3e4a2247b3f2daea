package dev.shoal.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.shoal.transport.proto.FederationGrpc;
import dev.shoal.transport.proto.RegisterRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator started with the {@code ./shoal} launcher, as a user starts it, and a client that
 * sends names meant to forge log lines or to make a filter of stderr swallow the lines after them:
 * every refusal is logged on one line, escaped, and the lines after it still arrive.
 */
class HostileInputIT {

  @TempDir Path dir;

  @Test
  void aNameCanNeitherForgeNorHideALogLine() throws Exception {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = new ProcessBuilder("bash", root.resolve("shoal").toString(), "coordinator", "--insecure",
        "--state-dir", dir.resolve("state").toString(), "--listen", "127.0.0.1:0", "--http", "off",
        "--rounds", "1", "--min-clients", "3")
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    try {
      int port = awaitPort(out, p);
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      var stub = FederationGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
      for (String name : new String[] {"nul\u0000name", "site-1\n00:00:00.000 WARN  FederationService forged",
          "../after-the-nul"}) {
        Status s = catchThrowableOfType(StatusRuntimeException.class,
            () -> stub.register(RegisterRequest.newBuilder().setNode(name).build())).getStatus();
        assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      }
      channel.shutdownNow();
      String log = awaitLog(err, "after-the-nul", p);
      assertThat(log).contains("'nul\\x00name' is not a valid name", "'site-1\\n00:00:00.000 WARN  FederationService forged'")
          .doesNotContain("\u0000");
      assertThat(log.lines().filter(l -> l.contains("forged")))
          .allSatisfy(l -> assertThat(l).contains("call refused method=Register"));
      assertThat(log).doesNotContain("AutoNonVariableTypeMode");
      assertThat(Files.readString(out)).contains("INSECURE: plaintext gRPC (--insecure)");
    } finally {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  static int awaitPort(Path out, Process p) throws Exception {
    Pattern listening = Pattern.compile("coordinator listening on 127\\.0\\.0\\.1:(\\d+)");
    for (int i = 0; i < 1200; i++) {
      Matcher m = listening.matcher(Files.readString(out, StandardCharsets.UTF_8));
      if (m.find()) {
        return Integer.parseInt(m.group(1));
      }
      if (!p.isAlive()) {
        throw new AssertionError("the coordinator ended: " + Files.readString(out));
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the coordinator did not start listening");
  }

  static String awaitLog(Path err, String text, Process p) throws Exception {
    for (int i = 0; i < 120; i++) {
      String log = Files.readString(err, StandardCharsets.ISO_8859_1);
      if (log.contains(text)) {
        return log;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no log line with '" + text + "' in: " + Files.readString(err, StandardCharsets.ISO_8859_1));
  }
}
