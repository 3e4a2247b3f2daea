package dev.shoal.anchor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.web3j.crypto.Credentials;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.http.HttpService;

/**
 * A real ganache chain from the pinned tools install, on 127.0.0.1 and a free port, with a
 * fixed chain id and ganache's deterministic accounts.
 */
public final class Ganache implements AutoCloseable {

  public static final long CHAIN_ID = 31337;

  /** The private keys of ganache's deterministic accounts 0 and 1 (public test keys, never for real funds). */
  public static final String KEY_0 = "4f3edf983ac636a65a842ce7c78d9aa706d3b113bce9c46f30d7d21715b23b1d";
  public static final String KEY_1 = "6cbed15c793ce57650b9877cf6fa156fbef513c4e6134f022a85b1ffdd59b2a1";

  private static final long STARTUP_LIMIT_SECONDS = 120;

  private final Process process;
  private final int port;
  private final List<String> output = new ArrayList<>();
  private final Web3j web3j;
  /** Stops ganache even when the test JVM is interrupted before {@link #close()}. */
  private final Thread stopOnExit;

  private Ganache(Process process, int port) {
    this.process = process;
    this.port = port;
    this.web3j = Web3j.build(new HttpService(url()));
    this.stopOnExit = new Thread(process::destroyForcibly, "ganache-stop");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
  }

  public static Ganache start() throws IOException, InterruptedException {
    Path cli = Tools.root().resolve("tools/node_modules/ganache/dist/node/cli.js");
    if (!Files.isRegularFile(cli)) {
      throw new IllegalStateException("ganache is not installed (no " + Tools.root().relativize(cli)
          + "): run `npm ci --prefix tools` in the repository root");
    }
    int port = freePort();
    Process process = new ProcessBuilder(Tools.node(), cli.toString(),
        "--wallet.deterministic",
        "--wallet.totalAccounts", "3",
        "--chain.chainId", Long.toString(CHAIN_ID),
        "--server.host", "127.0.0.1",
        "--server.port", Integer.toString(port),
        "--server.ws", "false")
        .redirectErrorStream(true)
        .start();
    Ganache ganache = new Ganache(process, port);
    ganache.awaitListening();
    return ganache;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  public Web3j web3j() {
    return web3j;
  }

  public static Credentials owner() {
    return Credentials.create(KEY_0);
  }

  public static Credentials stranger() {
    return Credentials.create(KEY_1);
  }

  private void awaitListening() throws InterruptedException {
    CompletableFuture<Void> listening = new CompletableFuture<>();
    Thread.ofVirtual().name("ganache-output").start(() -> {
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          synchronized (output) {
            output.add(line);
          }
          if (line.startsWith("RPC Listening on")) {
            listening.complete(null);
          }
        }
      } catch (IOException e) {
        listening.completeExceptionally(e);
      }
      listening.completeExceptionally(new IllegalStateException("ganache exited before listening"));
    });
    try {
      listening.get(STARTUP_LIMIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      close();
      synchronized (output) {
        throw new IllegalStateException("ganache did not start on port " + port + ": " + e.getMessage()
            + "\n" + String.join("\n", output), e);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    web3j.shutdown();
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or will run; it stops ganache
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
