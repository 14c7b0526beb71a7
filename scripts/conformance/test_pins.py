#!/usr/bin/env python3
"""The reference figures that robust4j's unit tests cite, computed by the reference implementations.

The strength tests in robust4j-core attack the first 48 images of the committed TorchScript
fixture (robust4j-core/src/test/resources/fixtures/torchscript: cnn_traced.pt, x.npy, y.npy; 37 of
the 48 are classified correctly). Where a test compares robust4j with another implementation, the
other implementation's figure comes from this script, recorded in results/test_pins.json; the test
names the row. Every figure is re-checked by running the TorchScript model in PyTorch on the
returned adversarials (never the attack's own success flags), and every adversarial is checked to lie
in [0, 1] and in the eps ball.

Rows (N = 48, success rate over the correctly classified samples, robust = correct and still
classified correctly):
  apgd-ce / apgd-dlr   fra31/auto-attack APGDAttack, Linf, eps 0.1 and 0.03, 100 iterations,
                       1 restart, seeds 0-2: robust samples of 48
  pgd                  torchattacks PGD, Linf, random start: eps 0.03, step 0.01, 30 steps and eps 0.1,
                       step 0.00625 (2.5 eps / steps, Madry), 40 steps; seeds 0-4: success rate
  mim                  torchattacks MIFGSM, Linf eps 0.05, step 0.005 (eps / steps), 10 steps, decay 1.0
                       (deterministic): success rate
  square               fra31/auto-attack SquareAttack (the authors' PyTorch code; margin loss,
                       rescaled p schedule): Linf eps 0.1 p_init 0.8 with 1,000 and 3,000 queries,
                       L2 eps 2.0 p_init 0.1 with 1,000 queries; seeds 0-2: success rate

Run with Debian's PyTorch (apt-get install python3-torch python3-scipy) and the references from
source snapshots (see docs/conformance.md, "References"); CONFORMANCE_REFS is the folder that holds
them, one folder per repository named owner+name:

    CONFORMANCE_REFS=/work/refs /usr/bin/python3 scripts/conformance/test_pins.py
"""
import json
import os
import platform
import sys
import time

import numpy as np
import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
REFS = os.environ.get("CONFORMANCE_REFS", "/work/refs")
for repo in ("fra31+auto-attack", "Harry24k+adversarial-attacks-pytorch"):
    sys.path.insert(0, os.path.join(REFS, repo))

from autoattack.autopgd_base import APGDAttack  # noqa: E402
from autoattack.square import SquareAttack  # noqa: E402
import torchattacks  # noqa: E402

FIXTURE = os.path.join(ROOT, "robust4j-core", "src", "test", "resources", "fixtures", "torchscript")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results", "test_pins.json")
N = 48


def load():
    torch.set_num_threads(1)
    model = torch.jit.load(os.path.join(FIXTURE, "cnn_traced.pt")).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    x = torch.from_numpy(np.load(os.path.join(FIXTURE, "x.npy"))[:N].astype(np.float32))
    y = torch.from_numpy(np.load(os.path.join(FIXTURE, "y.npy"))[:N].astype(np.int64))
    return model, x, y


def score(model, x, y, adv, norm, eps):
    """Success rate over correct samples and robust count, from the model's own predictions."""
    adv = adv.detach()
    if float(adv.min()) < 0 or float(adv.max()) > 1:
        raise AssertionError("adversarial outside [0, 1]: [%g, %g]" % (float(adv.min()), float(adv.max())))
    delta = (adv - x).reshape(x.shape[0], -1)
    size = delta.abs().max(1)[0] if norm == "Linf" else delta.norm(dim=1)
    if float(size.max()) > eps * (1 + 1e-5) + 1e-6:
        raise AssertionError("adversarial outside the %s ball of %g: %g" % (norm, eps, float(size.max())))
    with torch.no_grad():
        clean = model(x).argmax(1)
        pred = model(adv).argmax(1)
    correct = clean == y
    broken = correct & (pred != y)
    return {"correct": int(correct.sum()), "broken": int(broken.sum()),
            "robust": int((correct & (pred == y)).sum()),
            "success_rate": float(broken.sum()) / float(correct.sum())}


def cpu():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return "%s, %d cores" % (line.split(":", 1)[1].strip(), os.cpu_count())
    except OSError:
        pass
    return platform.machine()


def main():
    model, x, y = load()
    rows = []

    def row(name, settings, seeds, run, norm, eps):
        results = []
        for s in seeds:
            t = time.time()
            adv = run(s)
            r = score(model, x, y, adv, norm, eps)
            r["seed"] = s
            r["seconds"] = round(time.time() - t, 2)
            results.append(r)
            print("%-10s %-60s seed %d: SR %.3f (%d of %d broken), robust %d of %d"
                  % (name, settings, s, r["success_rate"], r["broken"], r["correct"], r["robust"], N), flush=True)
        rows.append({"row": name, "settings": settings, "runs": results})

    for loss in ("ce", "dlr"):
        for eps in (0.1, 0.03):
            def run(s, loss=loss, eps=eps):
                a = APGDAttack(model, n_iter=100, norm="Linf", n_restarts=1, eps=eps, seed=s, loss=loss,
                               device="cpu")
                return a.perturb(x.clone(), y.clone())
            row("apgd-" + loss, "Linf eps %g, 100 iterations, 1 restart" % eps, (0, 1, 2), run, "Linf", eps)

    for eps, alpha, steps in ((0.03, 0.01, 30), (0.1, 0.1 * 2.5 / 40, 40)):
        def run(s, eps=eps, alpha=alpha, steps=steps):
            torch.manual_seed(s)
            return torchattacks.PGD(model, eps=eps, alpha=alpha, steps=steps, random_start=True)(x.clone(), y.clone())
        row("pgd", "Linf eps %g, step %g, %d steps, random start" % (eps, alpha, steps), (0, 1, 2, 3, 4), run,
            "Linf", eps)

    def mim(s):
        torch.manual_seed(s)
        return torchattacks.MIFGSM(model, eps=0.05, alpha=0.005, steps=10, decay=1.0)(x.clone(), y.clone())
    row("mim", "Linf eps 0.05, step 0.005, 10 steps, decay 1.0", (0,), mim, "Linf", 0.05)

    for norm, eps, p_init, queries in (("Linf", 0.1, 0.8, 1000), ("Linf", 0.1, 0.8, 3000), ("L2", 2.0, 0.1, 1000)):
        def run(s, norm=norm, eps=eps, p_init=p_init, queries=queries):
            a = SquareAttack(model, norm=norm, n_queries=queries, eps=eps, p_init=p_init, n_restarts=1, seed=s,
                             device="cpu")
            return a.perturb(x.clone(), y.clone())
        row("square", "%s eps %g, p_init %g, %d queries" % (norm, eps, p_init, queries), (0, 1, 2), run, norm, eps)

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"fixture": "torchscript/cnn_traced.pt, first %d images" % N,
                   "torch": torch.__version__, "threads": torch.get_num_threads(),
                   "python": platform.python_version(), "machine": cpu(),
                   "date": time.strftime("%Y-%m-%d"), "rows": rows}, f, indent=1)
        f.write("\n")
    print("wrote " + OUT)


if __name__ == "__main__":
    main()
