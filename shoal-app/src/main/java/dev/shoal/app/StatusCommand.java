package dev.shoal.app;

import dev.shoal.federation.NodeStatus;
import dev.shoal.federation.Resources;
import dev.shoal.federation.RunStatus;
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

  @Option(names = "--run", paramLabel = "NAME", description = "The run you mean: refuse if the coordinator serves another one.")
  String run;

  @Override
  public Integer call() throws Exception {
    Security sec = security.resolve();
    HostPort address = HostPort.parse(coordinator, "--coordinator");
    if (!sec.isTls()) {
      InsecureBanner.print(System.out);
    }
    RunStatus s;
    try (var link = sec.dial(address.host(), address.port(), null)) {
      s = link.status();
    } catch (java.io.IOException e) {
      throw new UserError("cannot reach the coordinator at " + coordinator + ": " + e.getMessage());
    }
    if (run != null && !run.equals(s.run())) {
      throw new UserError("the coordinator at " + coordinator + " serves run '" + s.run() + "', not '" + run
          + "'; the state of another run is in its directory (shoal ledger verify STATE_DIR --run " + run + ")");
    }
    System.out.printf("run %s: %s, round %d of %d, %d completed%n",
        s.run(), s.state(), s.currentRound(), s.totalRounds(), s.completedRounds());
    System.out.printf("%-20s %-8s %-25s %-7s %-18s %s%n", "NODE", "STATUS", "LAST SEEN", "ROUNDS", "THREADS", "MEMORY");
    for (NodeStatus n : s.nodes()) {
      // resources as the node told them when it registered; "-" when it has not (since a restart)
      System.out.printf("%-20s %-8s %-25s %-7d %-18s %s%n", n.name(), n.online() ? "online" : "offline",
          n.lastSeen(), n.roundsContributed(),
          n.resources().map(Resources::threadsShort).orElse("-"), n.resources().map(Resources::memory).orElse("-"));
    }
    return 0;
  }
}
