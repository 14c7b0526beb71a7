#!/usr/bin/env python3
"""Side-by-side speed: robust4j against the fastest Python peer on the same attack (issue #11).

For every row, robust4j (robust4j-bench's SideBySide, a JVM per run) and the peer (this script in
--peer mode, a Python process per run) attack the same TorchScript model, the same images and the
same settings with the same number of threads, alternately, --rounds times. Each process warms up
with one untimed attack on the first 100 samples and then times --reps attacks on all of them; the time is the attack only (robust4j's
AttackResult.seconds(), the peer's attack call). The table reports medians and the ratio
peer seconds / robust4j seconds (above 1: robust4j is faster), with each side's success rate and
mean L2 perturbation over its successes (what a minimal-norm attack such as HopSkipJump is judged
by).

Usage (from the repository root; builds nothing: run `robust4j-bench/run side-by-side`, which builds
the bench jar and calls this script):
  /usr/bin/python3 scripts/bench/side_by_side.py [--rows fgsm,pgd,...] [--threads 1] [--rounds 3] [--reps 1]
      [--floor] [--model robust4j-core/src/test/resources/fixtures/torchscript/cnn_traced.pt] [--data target/bench-data]
  --rows r18-pgd,r18-square: the ResNet-18-sized case (scripts/bench/make_resnet18.py, generated into target/resnet18)

Peers come from source (CONFORMANCE_REFS, default /work/refs; the commits are in docs/conformance.md):
torchattacks, Foolbox + eagerpy, ART.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
REFS = os.environ.get("CONFORMANCE_REFS", "/work/refs")
BENCH_CP = os.environ.get(
    "ROBUST4J_BENCH_CP",
    os.path.join(ROOT, "robust4j-bench/target/robust4j-bench-0.1.0-SNAPSHOT.jar") + ":"
    + os.path.join(ROOT, "robust4j-bench/target/lib/*"))

FLOOR_STEPS = {"fgsm": 1, "pgd": 40, "r18-pgd": 10}  # gradient steps S: the floor is S forward+backward passes
CNN_ROWS = ["fgsm", "pgd", "cw", "deepfool", "jsma", "square", "hsj"]
WARM_UP = 100  # samples of the untimed warm-up run, as SideBySide.WARM_UP

# id -> (title, samples, robust4j attack and params, peer name, peer spec)
ROWS = {
    "fgsm": ("FGSM L∞ 0.1", 1000, ["fgsm", "eps=0.1"], "torchattacks", "FGSM(eps=0.1)"),
    "pgd": ("PGD-40 L∞ 0.1 step 0.01, no early stop", 1000,
            ["pgd", "eps=0.1", "steps=40", "step-size=0.01", "random-start=true", "early-stop=false"],
            "torchattacks", "PGD(eps=0.1, alpha=0.01, steps=40, random_start=True)"),
    "cw": ("C&W L2, 1 binary step × 100 it, c=1, lr 0.01", 100,
           ["cw-l2", "binary-search-steps=1", "max-iter=100", "initial-const=1", "learning-rate=0.01", "confidence=0"],
           "torchattacks", "CW(c=1, kappa=0, steps=100, lr=0.01)"),
    "deepfool": ("DeepFool L2, 50 it, overshoot 0.02", 200,
                 ["deepfool", "norm=l2", "candidates=10", "overshoot=0.02", "max-iter=50"],
                 "Foolbox", "L2DeepFoolAttack(steps=50, candidates=10, overshoot=0.02, loss='logits')"),
    "jsma": ("JSMA θ 1 γ 0.1, targeted next", 100, ["jsma", "theta=1", "gamma=0.1", "target=next"],
             "ART", "SaliencyMapMethod(theta=1.0, gamma=0.1)"),
    "square": ("Square L∞ 0.1, 1000 queries", 100, ["square", "norm=linf", "eps=0.1", "max-queries=1000", "p-init=0.8"],
               "torchattacks", "Square(norm='Linf', eps=0.1, n_queries=1000, p_init=0.8, n_restarts=1, loss='margin')"),
    # ResNet-18-sized rows (scripts/bench/make_resnet18.py writes the model and data on demand):
    # 3x224x224, 1,000 classes, random weights; not in the default --rows (minutes per run).
    "r18-pgd": ("ResNet-18, PGD-10 L∞ 8/255 step 2/255, no early stop", 16,
                ["pgd", "eps=0.0313725", "steps=10", "step-size=0.0078431", "random-start=true", "early-stop=false"],
                "torchattacks", "PGD(eps=8/255, alpha=2/255, steps=10, random_start=True)"),
    "r18-square": ("ResNet-18, Square L∞ 8/255, 100 queries, p-init 0.05", 8,
                   ["square", "norm=linf", "eps=0.0313725", "max-queries=100", "p-init=0.05"],
                   "torchattacks", "Square(norm='Linf', eps=8/255, n_queries=100, p_init=0.05, n_restarts=1, loss='margin')"),
    "hsj": ("HopSkipJump L2, 10 it, 100→1000 evals", 20,
            ["hop-skip-jump", "norm=l2", "max-iter=10", "init-evals=100", "max-evals=1000", "gamma=1", "init-trials=100",
             "max-queries=100000"],
            "Foolbox", "HopSkipJumpAttack(steps=10, initial_gradient_eval_steps=100, max_gradient_eval_steps=1000, gamma=1.0)"),
}


# ------------------------------------------------------------------------------------------ peers

def peer_attack(row, net, x, y):
    """Runs the peer's attack of a row; returns the adversarial batch (torch)."""
    if REFS not in sys.path:
        for d in ("Harry24k+adversarial-attacks-pytorch", "bethgelab+foolbox", "jonasrauber+eagerpy",
                  "Trusted-AI+adversarial-robustness-toolbox"):
            sys.path.insert(0, os.path.join(REFS, d))
    import numpy as np
    import torch
    if row == "fgsm":
        import torchattacks
        return torchattacks.FGSM(net, eps=0.1)(x, y)
    if row == "pgd":
        import torchattacks
        return torchattacks.PGD(net, eps=0.1, alpha=0.01, steps=40, random_start=True)(x, y)
    if row == "cw":
        import torchattacks
        return torchattacks.CW(net, c=1, kappa=0, steps=100, lr=0.01)(x, y)
    if row == "r18-pgd":
        import torchattacks
        return torchattacks.PGD(net, eps=0.0313725, alpha=0.0078431, steps=10, random_start=True)(x, y)
    if row == "r18-square":
        import torchattacks
        return torchattacks.Square(net, norm="Linf", eps=0.0313725, n_queries=100, n_restarts=1, p_init=0.05,
                                   loss="margin", resc_schedule=True, seed=0)(x, y)
    if row == "square":
        import torchattacks
        return torchattacks.Square(net, norm="Linf", eps=0.1, n_queries=1000, n_restarts=1, p_init=0.8, loss="margin",
                                   resc_schedule=True, seed=0)(x, y)
    if row in ("deepfool", "hsj"):
        import foolbox
        fmodel = foolbox.PyTorchModel(net, bounds=(0, 1), device="cpu")
        if row == "deepfool":
            atk = foolbox.attacks.L2DeepFoolAttack(steps=50, candidates=10, overshoot=0.02, loss="logits")
        else:
            atk = foolbox.attacks.HopSkipJumpAttack(steps=10, initial_gradient_eval_steps=100,
                                                    max_gradient_eval_steps=1000, gamma=1.0, constraint="l2")
        return atk(fmodel, x, y, epsilons=None)[1]
    if row == "jsma":
        import torch.nn as nn
        from art.attacks.evasion import SaliencyMapMethod
        from art.estimators.classification import PyTorchClassifier
        clf = PyTorchClassifier(model=net, loss=nn.CrossEntropyLoss(), input_shape=tuple(x.shape[1:]), nb_classes=10,
                                clip_values=(0.0, 1.0), device_type="cpu")
        t = ((y + 1) % 10).numpy()
        return torch.from_numpy(SaliencyMapMethod(clf, theta=1.0, gamma=0.1, batch_size=x.shape[0], verbose=False)
                                .generate(x.numpy(), y=np.eye(10, dtype=np.float32)[t]))
    raise ValueError("unknown row " + row)


def peer_main(args):
    """--peer mode: one warm-up on WARM_UP samples, then --reps timed attacks; one JSON line per timed run."""
    import numpy as np
    import torch
    torch.set_num_threads(args.threads)
    net = torch.jit.load(args.model).eval()
    for p in net.parameters():
        p.requires_grad_(False)
    n = ROWS[args.peer][1] if args.samples is None else args.samples
    x = torch.from_numpy(np.load(os.path.join(args.data, "x.npy"))[:n].copy())
    y = torch.from_numpy(np.load(os.path.join(args.data, "y.npy"))[:n].copy()).long()
    w = min(n, WARM_UP)
    peer_attack(args.peer, net, x[:w], y[:w])
    for r in range(args.reps):
        torch.manual_seed(0)
        np.random.seed(0)
        t0 = time.perf_counter()
        adv = peer_attack(args.peer, net, x, y)
        secs = time.perf_counter() - t0
        with torch.no_grad():
            pred = net(adv).argmax(1)
        target = (y + 1) % 10 if args.peer == "jsma" else None
        ok = (pred == target) if target is not None else (pred != y)
        l2 = (adv - x).reshape(n, -1).norm(dim=1)
        mean_l2 = float(l2[ok].mean()) if bool(ok.any()) else 0.0
        print(json.dumps({"seconds": secs, "success": int(ok.sum()), "l2": mean_l2}), flush=True)


# ------------------------------------------------------------------------------------------ driver

def env(threads):
    e = dict(os.environ)
    e["OMP_NUM_THREADS"] = str(threads)
    e["MKL_NUM_THREADS"] = str(threads)
    e.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return e


def assets(row, args):
    """The model and data folder of a row: the ResNet rows' own, generated on demand."""
    if row.startswith("r18"):
        d = os.path.join(ROOT, "target/resnet18")
        if not os.path.isfile(os.path.join(d, "resnet18.pt")):
            subprocess.run([sys.executable, os.path.join(HERE, "make_resnet18.py"), d, "16"], check=True)
        return os.path.join(d, "resnet18.pt"), d
    return args.model, args.data


def run_robust4j(row, args, n, mode="run"):
    model, data = assets(row, args)
    spec = ROWS[row][2] if mode == "run" else [str(FLOOR_STEPS[row])]
    cmd = [os.environ.get("JAVA", "java"), "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=%d" % args.threads,
           "-Dai.djl.pytorch.num_interop_threads=1", "-cp", BENCH_CP, "dev.robust4j.bench.SideBySide", mode,
           model, os.path.join(data, "x.npy"), os.path.join(data, "y.npy"), str(n), str(args.reps)] + spec
    out = subprocess.run(cmd, env=env(args.threads), capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("robust4j failed: " + out.stderr[-2000:])
    runs = []
    for line in out.stdout.splitlines():
        if line.startswith("seconds="):
            runs.append(dict(kv.split("=", 1) for kv in line.split()))
    return [float(r["seconds"]) for r in runs], runs


def run_peer(row, args, n):
    model, data = assets(row, args)
    cmd = [sys.executable, os.path.abspath(__file__), "--peer", row, "--threads", str(args.threads), "--reps",
           str(args.reps), "--model", model, "--data", data, "--samples", str(n)]
    out = subprocess.run(cmd, env=env(args.threads), capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError("peer failed: " + out.stderr[-2000:])
    runs = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return [r["seconds"] for r in runs], runs


def load():
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", default=",".join(CNN_ROWS), help="default: the CNN rows; also r18-pgd, r18-square")
    ap.add_argument("--floor", action="store_true",
                    help="also time robust4j's floor (S bare forward+backward passes) for the gradient rows")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--samples", type=int, default=None, help="override every row's sample count")
    ap.add_argument("--model", default=os.path.join(ROOT, "robust4j-core/src/test/resources/fixtures/torchscript/cnn_traced.pt"))
    ap.add_argument("--data", default=os.path.join(ROOT, "target/bench-data"))
    ap.add_argument("--peer", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.peer:
        peer_main(args)
        return
    rows = [r for r in args.rows.split(",") if r]
    for r in rows:
        if r not in ROWS:
            print("side_by_side: --rows: unknown row '%s'; expected some of %s" % (r, ",".join(ROWS)), file=sys.stderr)
            sys.exit(2)
    if not os.path.isfile(os.path.join(args.data, "x.npy")):
        n = max([ROWS[r][1] for r in CNN_ROWS] + [args.samples or 0])
        subprocess.run([os.environ.get("JAVA", "java"), "-Dai.djl.offline=true", "-cp", BENCH_CP,
                        "dev.robust4j.bench.SideBySide", "export", args.data, str(n)], check=True)
    loads = [load()]
    print("model %s, %d thread(s) each, %d alternating rounds x %d timed run(s), %s, load %.1f at start"
          % (os.path.relpath(args.model, ROOT), args.threads, args.rounds, args.reps, platform.platform(), loads[0]))
    print()
    print("| attack | samples | peer | robust4j s (median) | peer s (median) | ratio peer / robust4j | robust4j SR | peer SR"
          " | robust4j mean L2 | peer mean L2 |")
    print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    floors = []
    for r in rows:
        title, n, _, peer, _ = ROWS[r]
        n = args.samples or n
        ours, theirs, o_runs, t_runs = [], [], [], []
        for _ in range(args.rounds):
            s, runs = run_robust4j(r, args, n)
            ours += s
            o_runs += runs
            s, runs = run_peer(r, args, n)
            theirs += s
            t_runs += runs
            loads.append(load())
        if args.floor and r in FLOOR_STEPS:
            fs = []
            for _ in range(args.rounds):
                fs += run_robust4j(r, args, n, mode="floor")[0]
            floors.append("%s: attack / floor (S = %d) = %.3f / %.3f = %.2f"
                          % (title, FLOOR_STEPS[r], statistics.median(ours), statistics.median(fs),
                             statistics.median(ours) / statistics.median(fs)))
        shas = sorted({x["sha"] for x in o_runs})
        mo, mt = statistics.median(ours), statistics.median(theirs)
        print("| %s | %d | %s | %.3f | %.3f | %.2f | %.3f | %.3f | %.3f | %.3f |" % (
            title, n, peer, mo, mt, mt / mo, int(o_runs[-1]["success"]) / n, t_runs[-1]["success"] / n,
            float(o_runs[-1]["l2"]), t_runs[-1].get("l2", float("nan"))), flush=True)
        if len(shas) != 1:
            print("  (robust4j adversarial bytes differ between runs: %s)" % shas, file=sys.stderr)
    for f in floors:
        print()
        print(f)
    print()
    print("load average (1 min) over the run: min %.1f, median %.1f, max %.1f"
          % (min(loads), statistics.median(loads), max(loads)))


if __name__ == "__main__":
    main()
