#!/usr/bin/env python3
"""Makes the TorchScript test fixtures of robust4j-core.

Trains a small CNN with BatchNorm and Dropout on the first 10,000 Fashion-MNIST training images,
then writes, into robust4j-core/src/test/resources/fixtures/torchscript/:

  cnn_traced.pt    torch.jit.trace of the model in eval mode
  cnn_scripted.pt  torch.jit.script of the same model (keeps train/eval switching)
  x.npy, y.npy     the first 100 Fashion-MNIST test images (N, 1, 28, 28) in [0, 1] and labels
  logits.npy       the model's eval-mode logits on x
  grad_ce.npy      d/dx of the summed cross-entropy of the eval-mode logits against y
  grad_logit.npy   d/dx of the summed logit of class y (a Jacobian row per sample)
  expected.json    clean accuracy on x, as PyTorch computes it

Needs Debian's python3-torch (PyTorch 1.13) and dataset-fashion-mnist. robust4j never needs
Python at run time; this script only makes fixtures, which are committed.

    apt-get install python3-torch dataset-fashion-mnist
    /usr/bin/python3 scripts/make-torchscript-fixtures.py
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
                   "robust4j-core", "src", "test", "resources", "fixtures", "torchscript")


def read_idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(32)
        self.drop = nn.Dropout(0.3)
        self.fc1 = nn.Linear(32 * 7 * 7, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = self.drop(torch.flatten(x, 1))
        x = self.drop(F.relu(self.fc1(x)))
        return self.fc2(x)


def main():
    torch.manual_seed(0)
    torch.set_num_threads(2)
    xtr = torch.from_numpy(read_idx("train-images-idx3-ubyte.gz")[:10000].astype(np.float32) / 255.0)
    ytr = torch.from_numpy(read_idx("train-labels-idx1-ubyte.gz")[:10000].astype(np.int64))
    xte = read_idx("t10k-images-idx3-ubyte.gz")[:100].astype(np.float32) / 255.0
    yte = read_idx("t10k-labels-idx1-ubyte.gz")[:100].astype(np.int64)
    xtr = xtr.unsqueeze(1)

    model = SmallCnn()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(2):
        model.train()
        perm = torch.randperm(xtr.shape[0])
        for i in range(0, xtr.shape[0], 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            loss = F.cross_entropy(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
    model.eval()

    x = torch.from_numpy(xte).unsqueeze(1)
    y = torch.from_numpy(yte)
    traced = torch.jit.trace(model, x[:2])
    scripted = torch.jit.script(model)

    xg = x.clone().requires_grad_(True)
    logits = model(xg)
    F.cross_entropy(logits, y, reduction="sum").backward()
    grad_ce = xg.grad.detach().numpy()
    xg2 = x.clone().requires_grad_(True)
    model(xg2).gather(1, y.view(-1, 1)).sum().backward()
    grad_logit = xg2.grad.detach().numpy()

    os.makedirs(OUT, exist_ok=True)
    traced.save(os.path.join(OUT, "cnn_traced.pt"))
    scripted.save(os.path.join(OUT, "cnn_scripted.pt"))
    np.save(os.path.join(OUT, "x.npy"), x.numpy().astype(np.float32))
    np.save(os.path.join(OUT, "y.npy"), yte)
    np.save(os.path.join(OUT, "logits.npy"), logits.detach().numpy().astype(np.float32))
    np.save(os.path.join(OUT, "grad_ce.npy"), grad_ce.astype(np.float32))
    np.save(os.path.join(OUT, "grad_logit.npy"), grad_logit.astype(np.float32))
    acc = float((logits.argmax(1) == y).float().mean())
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"samples": int(y.shape[0]), "clean_accuracy": acc,
                   "torch_version": torch.__version__}, f, indent=2)
        f.write("\n")
    print("clean accuracy on %d test samples: %.4f" % (y.shape[0], acc))


if __name__ == "__main__":
    main()
