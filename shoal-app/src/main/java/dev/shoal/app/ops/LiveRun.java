package dev.shoal.app.ops;

import dev.shoal.federation.RunStatus;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a running coordinator lets its operations parts look at, besides the event streams they
 * are given: the run's name and length, its current status (the same reply {@code shoal status}
 * gets: rounds, nodes online and offline, last seen, rounds contributed), and its ledger
 * directory when the run keeps one, and its state directory when it has one.
 */
public record LiveRun(String name, int totalRounds, Supplier<RunStatus> status, Optional<Path> ledgerDir,
    Optional<Path> stateDir) {

  /** A run without a state directory. */
  public LiveRun(String name, int totalRounds, Supplier<RunStatus> status, Optional<Path> ledgerDir) {
    this(name, totalRounds, status, ledgerDir, Optional.empty());
  }
}
