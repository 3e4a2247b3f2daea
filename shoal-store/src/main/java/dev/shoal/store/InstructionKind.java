package dev.shoal.store;

/** What a node was asked to do: train on its data, or evaluate a global model. */
public enum InstructionKind {
  FIT,
  EVALUATE
}
