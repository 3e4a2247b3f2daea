package dev.shoal.train;

/** Loss and accuracy of some parameters on some examples. */
public record Evaluation(long numExamples, double loss, double accuracy) {}
