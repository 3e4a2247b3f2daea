package dev.shoal.data;

/** A train split and a test split with the same schema. */
public record FederatedData(Dataset train, Dataset test) {

  public FederatedData {
    train.schema().requireSame(test.schema(), "the test split");
  }

  /** The schema both splits share. */
  public Schema schema() {
    return train.schema();
  }
}
