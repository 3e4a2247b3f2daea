package dev.shoal.node;

import dev.shoal.tensor.ContentId;
import dev.shoal.train.FitConfig;

/**
 * Work the coordinator hands a node: train ({@code fit}) or evaluate the global model {@code
 * baseModel} of {@code round}. {@code config} is null for evaluation.
 */
public record Assignment(Kind kind, int round, ContentId baseModel, FitConfig config) {

  public enum Kind { FIT, EVALUATE }
}
