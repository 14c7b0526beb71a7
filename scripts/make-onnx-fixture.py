#!/usr/bin/env python3
"""Makes the ONNX test fixture of robust4j-core from the committed TorchScript fixture.

Exports the traced CNN (robust4j-core/src/test/resources/fixtures/torchscript/cnn_traced.pt) to
ONNX, so both fixtures carry exactly the same weights, and writes, into
robust4j-core/src/test/resources/fixtures/onnx/:

  cnn.onnx      the CNN as ONNX (opset 13), input "input" (n, 1, 28, 28), output "logits" (n, 10),
                with a dynamic batch axis "n"
  logits.npy    PyTorch's logits of the traced model on torchscript/x.npy, (100, 10) float32

Run make-torchscript-fixtures.py first if the TorchScript fixture changes. Needs Debian's
python3-torch (PyTorch 1.13); robust4j never needs Python at run time.

    apt-get install python3-torch
    /usr/bin/python3 scripts/make-onnx-fixture.py
"""
import os

import numpy as np
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                    "robust4j-core", "src", "test", "resources", "fixtures")
TS = os.path.join(ROOT, "torchscript")
OUT = os.path.join(ROOT, "onnx")


def main():
    torch.set_num_threads(2)
    model = torch.jit.load(os.path.join(TS, "cnn_traced.pt"))
    model.eval()
    x = torch.from_numpy(np.load(os.path.join(TS, "x.npy")))
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "cnn.onnx")
    torch.onnx.export(model, x[:2], path, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "n"}, "logits": {0: "n"}}, opset_version=13)
    with torch.no_grad():
        logits = model(x).numpy().astype(np.float32)
    np.save(os.path.join(OUT, "logits.npy"), logits)
    print("wrote %s (%d bytes) and logits of %d samples" % (path, os.path.getsize(path), logits.shape[0]))


if __name__ == "__main__":
    main()
