package dev.shoal.contribution;

import java.util.List;

/**
 * One contribution score per participant, in reply order, and how many utility evaluations the
 * method caused (coalitions already cached by an earlier method are not counted again).
 */
public record Scores(List<Double> values, int evaluations) {

  public Scores {
    values = List.copyOf(values);
    if (evaluations < 0) {
      throw new IllegalArgumentException("evaluations must be >= 0, got " + evaluations);
    }
  }

  public double get(int participant) {
    return values.get(participant);
  }

  public double sum() {
    double s = 0;
    for (double v : values) {
      s += v;
    }
    return s;
  }
}
