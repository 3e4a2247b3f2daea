package dev.shoal.app;

import dev.shoal.data.Partitioner;
import dev.shoal.round.RunConfig;
import dev.shoal.train.FitConfig;

/** Checks a job's values with the validators that will use them, before anything runs: a bad one is the user's. */
final class JobChecks {

  private JobChecks() {}

  static void check(Job job) {
    UserError.check(() -> new FitConfig(job.localEpochs(), job.batchSize(), job.lr(), job.seed()));
    UserError.check(() -> new RunConfig(job.rounds(), job.minClients(), job.roundTimeout(), job.seed()));
    UserError.check(() -> Partitioner.parse(job.partition(), job.alpha()));
  }
}
