#!/usr/bin/env python3
"""Loads a model Shoal trained back into PyTorch and measures its accuracy there.

    /usr/bin/python3 scripts/pytorch-evaluate.py net.pt model.safetensors IMAGES.idx[.gz] LABELS.idx[.gz]

Loads the TorchScript architecture, then Shoal's safetensors with load_state_dict(strict=True)
(every parameter and buffer, by its state_dict name), and prints one JSON line with the number of
examples and the accuracy of the module in eval mode on the MNIST-format IDX files, pixels
scaled to [0, 1] as Shoal reads them. Needs only PyTorch: the safetensors package is used when
installed, else the format (a JSON header and little-endian tensors) is read here.
"""

import gzip
import json
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16,
          "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8}


def load_file(path):
    try:
        from safetensors.torch import load_file as library_load
        return library_load(path)
    except ImportError:
        pass
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    tensors = {}
    for name, spec in header.items():
        if name == "__metadata__":
            continue
        start, end = spec["data_offsets"]
        raw = bytearray(body[start:end])
        t = torch.frombuffer(raw, dtype=DTYPES[spec["dtype"]]) if raw else torch.empty(0, dtype=DTYPES[spec["dtype"]])
        tensors[name] = t.reshape(spec["shape"]).clone()
    return tensors


def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def main(model_path, state_path, images_path, labels_path):
    model = torch.jit.load(model_path)
    model.load_state_dict(load_file(state_path), strict=True)
    model.eval()
    images = read_idx(images_path).float().div(255.0).unsqueeze(1)
    labels = read_idx(labels_path).long()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(labels), 256):
            correct += (model(images[i:i + 256]).argmax(1) == labels[i:i + 256]).sum().item()
    print(json.dumps({"examples": len(labels), "accuracy": correct / len(labels)}))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(*sys.argv[1:])
