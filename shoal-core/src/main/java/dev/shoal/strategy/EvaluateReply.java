package dev.shoal.strategy;

import dev.shoal.train.Evaluation;

/** A client's evaluation of the global model on its own held-out data. */
public record EvaluateReply(String clientId, Evaluation evaluation) {}
