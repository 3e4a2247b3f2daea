"""FedAvg over safetensors update files with numpy, the two ways Shoal's file aggregation is
compared with (see docs/benchmarks.md, "File aggregation"):

  flower   load every update, then reduce: Flower's flwr.server.strategy.aggregate.aggregate
  stream   a streaming loop: one file at a time, added into a float32 running sum
  checked  the streaming loop, also refusing NaN and infinite values as Shoal does

usage: python3 aggregate_numpy.py flower|stream|checked OUT.safetensors IN.safetensors...
Prints one JSON line: the method, seconds from the first read to the output written, and the
process's peak resident memory.
"""
import json
import resource
import struct
import sys
import time
from functools import reduce

import numpy as np


def read_header(f):
    (n,) = struct.unpack("<Q", f.read(8))
    header = json.loads(f.read(n))
    meta = header.pop("__metadata__", {})
    return header, meta, 8 + n


def load(path, copy):
    """Every tensor of a file as a float32 array (its own, or a view of the bytes read), and its num_examples."""
    with open(path, "rb") as f:
        header, meta, start = read_header(f)
        data = f.read()
    tensors = [(name, np.frombuffer(data, "<f4", (e["data_offsets"][1] - e["data_offsets"][0]) // 4,
                                    e["data_offsets"][0]).reshape(e["shape"]))
               for name, e in header.items()]
    if copy:
        tensors = [(name, t.copy()) for name, t in tensors]
    return tensors, int(meta["num_examples"])


def write(path, names, arrays, num_examples):
    arrays = [np.ascontiguousarray(a, "<f4") for a in arrays]
    header, offset = {"__metadata__": {"num_examples": str(num_examples)}}, 0
    for name, a in zip(names, arrays):
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h)
        for a in arrays:
            f.write(a.tobytes())


def flower(paths):
    results = [load(p, True) for p in paths]
    names = [name for name, _ in results[0][0]]
    results = [([t for _, t in tensors], n) for tensors, n in results]
    # flwr.server.strategy.aggregate.aggregate, as Flower's FedAvg calls it
    num_examples_total = sum(num_examples for (_, num_examples) in results)
    weighted_weights = [[layer * num_examples for layer in weights] for weights, num_examples in results]
    weights_prime = [reduce(np.add, layer_updates) / num_examples_total for layer_updates in zip(*weighted_weights)]
    return names, weights_prime, num_examples_total


def stream(paths, check):
    counts = []
    for p in paths:
        with open(p, "rb") as f:
            counts.append(int(read_header(f)[1]["num_examples"]))
    total, names, acc = sum(counts), None, None
    for p, n in zip(paths, counts):
        tensors, _ = load(p, False)
        if check and not all(np.isfinite(t).all() for _, t in tensors):
            raise SystemExit(f"{p}: a non-finite value")
        if acc is None:
            names, acc = [name for name, _ in tensors], [t * np.float32(n / total) for _, t in tensors]
        else:
            for a, (_, t) in zip(acc, tensors):
                a += t * np.float32(n / total)
    return names, acc, total


def main():
    method, out, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
    start = time.perf_counter()
    names, arrays, total = flower(paths) if method == "flower" else stream(paths, method == "checked")
    write(out, names, arrays, total)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"method": "numpy " + method, "seconds": seconds, "peak_rss_mib": peak}))


if __name__ == "__main__":
    main()
