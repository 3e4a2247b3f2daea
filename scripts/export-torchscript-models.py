#!/usr/bin/env python3
"""Exports the TorchScript models that Shoal's tests and examples train, into examples/models/.

    /usr/bin/python3 scripts/export-torchscript-models.py

Needs PyTorch (Debian: apt-get install python3-torch). The exported files are committed, so
building and testing Shoal needs no Python. The weights come from a fixed seed, so running this
again with the same PyTorch version gives the same weights; the files' bytes (and with them their
content ids) can differ, as TorchScript writes some of the module's code in no fixed order.

  mnist-cnn.pt  a CNN for 28x28 greyscale images and 10 classes, with batch normalisation and
                dropout: features.* (two convolution blocks), classifier.* (two linear layers)
  wine-mlp.pt   a small MLP for examples/data/wine.csv (13 features, 3 cultivars)
  breast-cancer-mlp.pt
                an MLP with one output (a logit) for examples/data/breast_cancer.csv (30 features,
                binary diagnosis)
  diabetes-mlp.pt
                an MLP with one output for examples/data/diabetes.csv (10 features, regression of
                the disease's progression)
"""

import pathlib
import sys

import torch
from torch import nn

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from shoal_torchscript import export  # noqa: E402


class MnistCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Dropout(0.25), nn.Linear(16 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


class WineMlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(13, 32), nn.ReLU())
        self.classifier = nn.Linear(32, 3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.body(x))


class OneOutputMlp(nn.Module):
    def __init__(self, features: int, hidden: int):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(features, hidden), nn.ReLU())
        self.head = nn.Linear(hidden, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


def main():
    out = pathlib.Path(__file__).resolve().parent.parent / "examples" / "models"
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(13)
    export(MnistCnn(), out / "mnist-cnn.pt")
    torch.manual_seed(13)
    export(WineMlp(), out / "wine-mlp.pt")
    torch.manual_seed(13)
    export(OneOutputMlp(30, 16), out / "breast-cancer-mlp.pt")
    torch.manual_seed(13)
    export(OneOutputMlp(10, 32), out / "diabetes-mlp.pt")
    for f in sorted(out.glob("*.pt")):
        print("wrote %s (%d bytes)" % (f, f.stat().st_size))


if __name__ == "__main__":
    main()
