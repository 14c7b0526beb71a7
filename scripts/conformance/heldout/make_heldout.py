#!/usr/bin/env python3
"""Extracts the held-out images of the conformance run (docs/conformance.md, "Held-out data").

The fixtures `cnn` and `cnn2` attack their own committed test images (Fashion-MNIST test 0..99 and
5,000..5,199), the images the attacks' settings were tuned on. The held-out fixtures attack the same
two models on other test images that neither model was trained on (both were trained on train-split
images only) and that were not looked at while tuning:

  cnn-heldout   Fashion-MNIST test images 3,000..3,099  -> cnn-heldout/x.npy, y.npy
  cnn2-heldout  Fashion-MNIST test images 7,000..7,199  -> cnn2-heldout/x.npy, y.npy

x.npy: float32 (N, 1, 28, 28) in [0, 1] (pixel / 255, as the committed fixtures); y.npy: int64.

    /usr/bin/python3 scripts/conformance/heldout/make_heldout.py [--data /usr/share/datasets/fashion-mnist]
"""
import argparse
import gzip
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SLICES = {"cnn-heldout": (3000, 3100), "cnn2-heldout": (7000, 7200)}


def read_idx(path):
    """An IDX file (gzip) as a NumPy array: magic (0, 0, type 0x08 = ubyte, ndim), dims, data."""
    with gzip.open(path, "rb") as fh:
        raw = fh.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        sys.exit("%s: not an unsigned-byte IDX file" % path)
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        sys.exit("%s: %d bytes of data, expected %d" % (path, data.size, int(np.prod(dims))))
    return data.reshape(dims)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist",
                    help="folder with t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz")
    args = ap.parse_args()
    images = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte.gz"))
    if images.shape != (10000, 28, 28) or labels.shape != (10000,):
        sys.exit("unexpected test split shapes %s, %s (expected (10000, 28, 28), (10000,))" % (images.shape, labels.shape))
    for name, (a, b) in SLICES.items():
        out = os.path.join(HERE, name)
        os.makedirs(out, exist_ok=True)
        # divided in float64, then rounded once to float32: bit-identical to the committed fixtures' x.npy
        x = (images[a:b].astype(np.float64) / 255.0).astype(np.float32)[:, None, :, :]
        y = labels[a:b].astype(np.int64)
        np.save(os.path.join(out, "x.npy"), x)
        np.save(os.path.join(out, "y.npy"), y)
        print("%s: test images %d..%d, x %s %s, labels %s" % (name, a, b - 1, x.shape, x.dtype, np.bincount(y, minlength=10).tolist()))


if __name__ == "__main__":
    main()
