package dev.shoal.app;

import dev.shoal.transport.proto.NodeStatus;
import dev.shoal.transport.proto.StatusReply;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show a coordinator's run, its current round, and its nodes.")
final class StatusCommand implements Callable<Integer> {

  @Option(names = "--coordinator", required = true, paramLabel = "HOST:PORT", description = "The coordinator to ask.")
  String coordinator;

  @Mixin SecurityOptions security;

  @Override
  public Integer call() throws Exception {
    Security sec = security.resolve();
    HostPort address = HostPort.parse(coordinator, "--coordinator");
    StatusReply s;
    try (var link = sec.dial(address.host(), address.port(), null)) {
      s = link.status();
    } catch (java.io.IOException e) {
      throw new UserError("cannot reach the coordinator at " + coordinator + ": " + e.getMessage());
    }
    System.out.printf("run %s: %s, round %d of %d, %d completed%n",
        s.getRun(), s.getState(), s.getCurrentRound(), s.getTotalRounds(), s.getCompletedRounds());
    System.out.printf("%-20s %-8s %-25s %s%n", "NODE", "STATUS", "LAST SEEN", "ROUNDS");
    for (NodeStatus n : s.getNodesList()) {
      System.out.printf("%-20s %-8s %-25s %d%n", n.getName(), n.getOnline() ? "online" : "offline",
          Instant.ofEpochMilli(n.getLastSeenEpochMillis()), n.getRoundsContributed());
    }
    return 0;
  }
}
