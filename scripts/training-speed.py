#!/usr/bin/env python3
"""Native PyTorch's side of Shoal's TrainingSpeed benchmark (bench/.../TrainingSpeed.java).

The benchmark starts this script once and drives it over stdin/stdout, one command per line, so
that PyTorch and Shoal train in turn (A/B/A/B) in one run, each with warm-up excluded:

  export 2nn|cnn PATH            writes a TorchScript model (shoal_torchscript.export: scripted, with
                                 Shoal's methods; seeded weights):
                                 2nn, the FedAvg paper's 784-200-200-10 MLP; cnn, its CNN
                                 (5x5 convolutions of 32 and 64 channels, 2x2 max pooling, 512, 10),
                                 the architectures of Shoal's built-in mlp and cnn
  export-loop MODEL PATH         writes a TorchScript module whose method fit(params, x, y, order,
                                 batch, lr) runs a whole epoch of the module at MODEL (plain SGD,
                                 cross-entropy) inside PyTorch's C++ runtime: the benchmark runs
                                 it in the JVM's own libtorch, native PyTorch of Shoal's version
  fit PATH EPOCHS BATCH LR SEED N
                                 trains the module at PATH from its saved weights in training
                                 mode with plain SGD and cross-entropy, mini-batches of the
                                 first N examples in an order drawn from SEED; answers
                                 "fit WALL_SECONDS CPU_SECONDS LOSS" (process CPU time)
  quit

    training-speed.py --threads T --features FILE --labels FILE --shape C,H,W

FILE are raw little-endian arrays: float32 features, int64 labels. Needs PyTorch (Debian:
python3-torch). Threads: torch.set_num_threads(T) and set_num_interop_threads(T); the benchmark
also sets OMP_NUM_THREADS.
"""

import argparse
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from typing import List

from shoal_torchscript import export


class TwoNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 200)
        self.fc2 = nn.Linear(200, 200)
        self.fc3 = nn.Linear(200, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 5, padding=2)
        self.conv2 = nn.Conv2d(32, 64, 5, padding=2)
        self.fc1 = nn.Linear(64 * 7 * 7, 512)
        self.fc2 = nn.Linear(512, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


class EpochLoop(nn.Module):
    """One epoch of plain SGD on a module, all of it in TorchScript: no Python, no JVM per step."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    @torch.jit.export
    def fit(self, params: List[torch.Tensor], x: torch.Tensor, y: torch.Tensor, order: torch.Tensor,
            batch: torch.Tensor, lr: torch.Tensor) -> torch.Tensor:
        # batch and lr come as tensors: DJL passes a method's arguments as tensors (or lists of them)
        b = int(batch.item())
        rate = float(lr.item())
        loss = torch.zeros(1)
        for start in range(0, order.size(0), b):
            idx = order[start:start + b]
            loss = F.cross_entropy(self.model(x.index_select(0, idx)), y.index_select(0, idx))
            grads = torch.autograd.grad([loss], params)
            with torch.no_grad():
                for i in range(len(params)):
                    g = grads[i]
                    if g is not None:
                        params[i].add_(g, alpha=-rate)
        return loss.detach()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x)


def blas():
    """The BLAS library this process has loaded (Debian's PyTorch takes whichever libblas.so.3 is
    installed: OpenBLAS, or the much slower reference BLAS)."""
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if "blas" in path.rsplit("/", 1)[-1]:
                return path
    return "none"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--features", required=True)
    parser.add_argument("--labels", required=True)
    parser.add_argument("--shape", required=True)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.threads)
    shape = [int(d) for d in args.shape.split(",")]
    x = torch.from_numpy(np.fromfile(args.features, dtype="<f4").reshape([-1] + shape))
    y = torch.from_numpy(np.fromfile(args.labels, dtype="<i8"))
    modules = {}
    print("ready torch %s threads %d interop %d blas %s" % (torch.__version__, torch.get_num_threads(),
                                                            torch.get_num_interop_threads(), blas()), flush=True)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        if words[0] == "export":
            torch.manual_seed(13)
            module = {"2nn": TwoNN, "cnn": Cnn}[words[1]]()
            export(module, words[2])
            print("exported", flush=True)
        elif words[0] == "export-loop":
            loop = torch.jit.script(EpochLoop(torch.jit.load(words[1])))
            loop.train()
            loop.save(words[2])
            print("exported", flush=True)
        elif words[0] == "fit":
            path, epochs, batch, lr, seed = words[1], int(words[2]), int(words[3]), float(words[4]), int(words[5])
            n = int(words[6])
            if path not in modules:
                module = torch.jit.load(path)
                modules[path] = (module, {k: v.clone() for k, v in module.state_dict().items()})
            module, initial = modules[path]
            module.load_state_dict(initial)
            module.train()
            optimizer = torch.optim.SGD(module.parameters(), lr=lr)
            rng = np.random.RandomState(seed)
            wall = time.perf_counter()
            cpu = time.process_time()
            for _ in range(epochs):
                order = torch.from_numpy(rng.permutation(n))
                for start in range(0, n, batch):
                    idx = order[start:start + batch]
                    loss = F.cross_entropy(module(x.index_select(0, idx)), y.index_select(0, idx))
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
            print("fit %.6f %.6f %.6f" % (time.perf_counter() - wall, time.process_time() - cpu, loss.item()),
                  flush=True)
        else:
            print("error unknown command " + words[0], flush=True)


if __name__ == "__main__":
    main()
