package dev.shoal.secagg;

/**
 * A client that left a secure aggregation round: at which stage, and why (no reply, a reply
 * that failed validation, a refusal, too few neighbours left).
 */
public record SecAggDropout(String client, SecAggStage stage, String reason) {}
