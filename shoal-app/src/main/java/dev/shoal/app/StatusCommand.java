package dev.shoal.app;

import dev.shoal.node.Resources;
import dev.shoal.transport.ResourcesWire;
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
    if (!sec.isTls()) {
      InsecureBanner.print(System.out);
    }
    StatusReply s;
    try (var link = sec.dial(address.host(), address.port(), null)) {
      s = link.status();
    } catch (java.io.IOException e) {
      throw new UserError("cannot reach the coordinator at " + coordinator + ": " + e.getMessage());
    }
    System.out.printf("run %s: %s, round %d of %d, %d completed%n",
        s.getRun(), s.getState(), s.getCurrentRound(), s.getTotalRounds(), s.getCompletedRounds());
    System.out.printf("%-20s %-8s %-25s %-7s %-18s %s%n", "NODE", "STATUS", "LAST SEEN", "ROUNDS", "THREADS", "MEMORY");
    for (NodeStatus n : s.getNodesList()) {
      // resources as the node told them when it registered; "-" when it has not (since a restart)
      var resources = n.hasResources() ? ResourcesWire.fromProto(n.getResources()) : java.util.Optional.<Resources>empty();
      System.out.printf("%-20s %-8s %-25s %-7d %-18s %s%n", n.getName(), n.getOnline() ? "online" : "offline",
          Instant.ofEpochMilli(n.getLastSeenEpochMillis()), n.getRoundsContributed(),
          resources.map(Resources::threadsShort).orElse("-"), resources.map(Resources::memory).orElse("-"));
    }
    return 0;
  }
}
