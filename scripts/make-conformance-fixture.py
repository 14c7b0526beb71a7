#!/usr/bin/env python3
"""Makes the second conformance fixture, robust4j-core/src/test/resources/fixtures/cnn2/.

A model deliberately unlike the first fixture (scripts/make-torchscript-fixtures.py), so that no
conformance figure hangs on one model: no BatchNorm, no Dropout, 5x5 convolutions without padding
(32 and 48 channels), a 100-unit hidden layer, seed 1, trained for 3 epochs with SGD + Nesterov
momentum on a different slice of Fashion-MNIST (training images 20,000..29,999). Writes:

  cnn2_traced.pt   torch.jit.trace of the model in eval mode
  x.npy, y.npy     Fashion-MNIST test images 5000..5199 (200, 1, 28, 28) in [0, 1], int64 labels
  expected.json    clean accuracy on x as PyTorch computes it, torch version, provenance

Needs Debian's python3-torch (PyTorch 1.13) and dataset-fashion-mnist:

    apt-get install python3-torch dataset-fashion-mnist
    /usr/bin/python3 scripts/make-conformance-fixture.py
"""
import gzip
import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                   "robust4j-core", "src", "test", "resources", "fixtures", "cnn2")
TRAIN_SLICE = (20000, 30000)
TEST_SLICE = (5000, 5200)
SEED = 1
EPOCHS = 3


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


class Cnn2(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 5)
        self.conv2 = nn.Conv2d(32, 48, 5)
        self.fc1 = nn.Linear(48 * 4 * 4, 100)
        self.fc2 = nn.Linear(100, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = F.relu(self.fc1(torch.flatten(x, 1)))
        return self.fc2(x)


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
    a, b = TRAIN_SLICE
    xtr = torch.from_numpy(read_idx("train-images-idx3-ubyte.gz")[a:b].astype(np.float32) / 255.0).unsqueeze(1)
    ytr = torch.from_numpy(read_idx("train-labels-idx1-ubyte.gz")[a:b].astype(np.int64))
    a, b = TEST_SLICE
    xte = read_idx("t10k-images-idx3-ubyte.gz")[a:b].astype(np.float32) / 255.0
    yte = read_idx("t10k-labels-idx1-ubyte.gz")[a:b].astype(np.int64)

    model = Cnn2()
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True)
    for epoch in range(EPOCHS):
        model.train()
        perm = torch.randperm(xtr.shape[0])
        for i in range(0, xtr.shape[0], 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            F.cross_entropy(model(xtr[idx]), ytr[idx]).backward()
            opt.step()
    model.eval()

    x = torch.from_numpy(xte).unsqueeze(1)
    y = torch.from_numpy(yte)
    with torch.no_grad():
        traced = torch.jit.trace(model, x[:2])
        logits = model(x)
    os.makedirs(OUT, exist_ok=True)
    traced.save(os.path.join(OUT, "cnn2_traced.pt"))
    np.save(os.path.join(OUT, "x.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(OUT, "y.npy"), yte)
    acc = float((logits.argmax(1) == y).float().mean())
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"samples": int(y.shape[0]), "clean_accuracy": acc, "torch_version": torch.__version__,
                   "train_slice": list(TRAIN_SLICE), "test_slice": list(TEST_SLICE), "seed": SEED,
                   "epochs": EPOCHS}, f, indent=2)
        f.write("\n")
    print("clean accuracy on %d test samples: %.4f" % (y.shape[0], acc))


if __name__ == "__main__":
    main()
