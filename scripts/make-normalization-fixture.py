#!/usr/bin/env python3
"""Makes robust4j-core/src/test/resources/fixtures/torchscript/cnn_normalized_inside.pt.

The committed fixture cnn_traced.pt, read as a model that expects normalised inputs
z = (x - 0.2860) / 0.3530 (Fashion-MNIST's mean and standard deviation), with that normalisation
folded in: the new model takes raw [0, 1] pixels. Attacking cnn_traced.pt with --mean 0.2860
--std 0.3530 must give exactly the adversarials of attacking this file without them
(NormalizationTest, CLI test).

    /usr/bin/python3 scripts/make-normalization-fixture.py
"""
import os

import torch

DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "robust4j-core", "src", "test", "resources",
                   "fixtures", "torchscript")


class NormalizedInside(torch.nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner
        self.register_buffer("mean", torch.tensor([0.2860], dtype=torch.float32).view(1, 1, 1, 1))
        self.register_buffer("std", torch.tensor([0.3530], dtype=torch.float32).view(1, 1, 1, 1))

    def forward(self, x):
        return self.inner((x - self.mean) / self.std)


def main():
    inner = torch.jit.load(os.path.join(DIR, "cnn_traced.pt")).eval()
    model = NormalizedInside(inner).eval()
    example = torch.rand(2, 1, 28, 28)
    traced = torch.jit.trace(model, example)
    traced.save(os.path.join(DIR, "cnn_normalized_inside.pt"))
    print("wrote", os.path.join(DIR, "cnn_normalized_inside.pt"))


if __name__ == "__main__":
    main()
