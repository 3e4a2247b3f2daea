package dev.shoal.tensor;

/**
 * A tensor of any safetensors dtype Shoal reads (F32, F16, BF16, I8, I32) as its raw
 * little-endian bytes: the parts of an encoded update, before they are decoded to float32.
 */
public record RawTensor(String name, String dtype, int[] shape, byte[] data) {}
