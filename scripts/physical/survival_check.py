#!/usr/bin/env python3
"""Independent check of robust4j's survival figures (docs/physical.md).

robust4j measures how often an adversarial stays adversarial under random rotations and shifts
with its own transformation code (dev.robust4j.transform). This script draws the same kind of
transformation with another implementation — PyTorch's affine_grid and grid_sample (bilinear,
zero padding), its own random generator and seed — and measures survival of the adversarials that
`robust4j-bench/run physical OUT` saved, on the same TorchScript model, so the claim "EOT-PGD's
adversarials survive better than PGD's" does not rest on robust4j's own arithmetic.

    /usr/bin/python3 scripts/physical/survival_check.py OUT [--draws 64] [--rotation 15] [--translation 2]

Needs Debian's python3-torch. Prints a Markdown table and writes OUT/survival_check.json.
"""
import argparse
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
FIXTURE = os.path.join(ROOT, "robust4j-core", "src", "test", "resources", "fixtures", "torchscript")


def transformed(x, angle_deg, shift_px):
    """Rotates each image by its angle about the centre and shifts it by (dx, dy) pixels."""
    n, _, h, w = x.shape
    a = torch.deg2rad(angle_deg)
    cos, sin = torch.cos(a), torch.sin(a)
    # normalised coordinates with align_corners=True: one pixel is 2 / (size - 1)
    tx = shift_px[:, 0] * 2 / (w - 1)
    ty = shift_px[:, 1] * 2 / (h - 1)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = cos
    theta[:, 0, 1] = -sin
    theta[:, 1, 0] = sin
    theta[:, 1, 1] = cos
    theta[:, 0, 2] = -(cos * tx - sin * ty)
    theta[:, 1, 2] = -(sin * tx + cos * ty)
    grid = F.affine_grid(theta, list(x.shape), align_corners=True)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=True).clamp(0, 1)


def survival(model, x, y, draws, rotation, translation, generator):
    n = x.shape[0]
    wrong = torch.zeros(n)
    with torch.no_grad():
        for _ in range(draws):
            angle = (torch.rand(n, generator=generator) * 2 - 1) * rotation
            shift = (torch.rand(n, 2, generator=generator) * 2 - 1) * translation
            wrong += (model(transformed(x, angle, shift)).argmax(1) != y).float()
    return wrong / draws


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--draws", type=int, default=64)
    parser.add_argument("--rotation", type=float, default=15.0)
    parser.add_argument("--translation", type=float, default=2.0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    model = torch.jit.load(os.path.join(FIXTURE, "cnn_traced.pt")).eval()
    x = torch.from_numpy(np.load(os.path.join(FIXTURE, "x.npy")).astype(np.float32))
    y = torch.from_numpy(np.load(os.path.join(FIXTURE, "y.npy")).astype(np.int64))
    with torch.no_grad():
        correct = model(x).argmax(1) == y
    rows = {}
    for name in ("clean", "pgd", "eot-pgd"):
        data = x if name == "clean" else torch.from_numpy(np.load(os.path.join(args.out, name + ".npy")))
        generator = torch.Generator().manual_seed(2026)
        s = survival(model, data, y, args.draws, args.rotation, args.translation, generator)[correct]
        rows[name] = {"mean": float(s.mean()), "at_least_half": float((s >= 0.5).float().mean()),
                      "samples": int(correct.sum())}
    print("PyTorch affine_grid/grid_sample, rotation ±%g°, translation ±%g px, %d draws, %d correctly classified"
          " samples" % (args.rotation, args.translation, args.draws, int(correct.sum())))
    print("| inputs | answers wrong under T (mean) | wrong under ≥ half the draws |")
    print("| --- | --- | --- |")
    for name, r in rows.items():
        print("| %s | %.3f | %.3f |" % (name, r["mean"], r["at_least_half"]))
    with open(os.path.join(args.out, "survival_check.json"), "w") as f:
        json.dump({"torch": torch.__version__, "draws": args.draws, "rotation": args.rotation,
                   "translation": args.translation, "rows": rows}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
