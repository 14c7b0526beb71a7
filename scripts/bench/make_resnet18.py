#!/usr/bin/env python3
"""A ResNet-18-sized TorchScript model for the speed benchmark (issue #11), generated on demand.

ResNet-18 (He et al. 2016: 7x7 stem, four stages of two basic blocks, 64-128-256-512 channels,
global average pooling, 1,000 classes) written out in plain PyTorch (Debian's python3-torch has no
torchvision), with seeded random weights in eval mode: speed does not depend on the weights. The
file is 45 MB, so it is not committed: this script writes it under target/.

Writes DIR/resnet18.pt (traced), DIR/x.npy (N uniform 3x224x224 images in [0, 1], seeded) and
DIR/y.npy (the model's own predictions on them, so every image starts correctly classified).

  /usr/bin/python3 scripts/bench/make_resnet18.py [DIR=target/resnet18] [N=16]
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return torch.relu(out + (x if self.down is None else self.down(x)))


class ResNet18(nn.Module):
    def __init__(self, classes=1000):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
                                  nn.MaxPool2d(3, 2, 1))
        layers, cin = [], 64
        for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
            layers += [Block(cin, cout, stride), Block(cout, cout, 1)]
            cin = cout
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(512, classes)

    def forward(self, x):
        x = self.layers(self.stem(x))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "target/resnet18"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(0)
    model = ResNet18().eval()
    x = torch.from_numpy(np.random.default_rng(0).random((n, 3, 224, 224), dtype=np.float32))
    with torch.no_grad():
        traced = torch.jit.trace(model, x[:1])
        y = traced(x).argmax(1)
    traced.save(os.path.join(out, "resnet18.pt"))
    np.save(os.path.join(out, "x.npy"), x.numpy())
    np.save(os.path.join(out, "y.npy"), y.numpy().astype(np.int64))
    print("wrote %s/resnet18.pt, x.npy %s, y.npy" % (out, tuple(x.shape)))


if __name__ == "__main__":
    main()
