package dev.shoal.data;

/** A train split and a test split of the same kind of images. */
public record FederatedData(ImageDataset train, ImageDataset test) {}
