#!/usr/bin/env python3
"""The conformance run (issue #10): robust4j against the reference attack libraries.

Attacks the committed fixture models with the reference Python libraries and with robust4j's
command line under the same settings, re-checks every adversarial batch with PyTorch itself (one
scoring function for every implementation), records one small JSON per (fixture, attack row)
under scripts/conformance/results/, and regenerates docs/conformance.md from those JSON files.

Run it through the wrapper:  scripts/conformance/run [--attacks a,b] [--fixture cnn,cnn2] [--doc-only]

Environment:
  CONFORMANCE_REFS  folder holding the reference checkouts (default /work/refs), one folder per
                    repository, named owner+name (see docs/conformance.md for the commits)
  ROBUST4J_JAR      the robust4j CLI jar to run (default robust4j-cli/target/robust4j-cli.jar of
                    this checkout; build it with ./mvnw -B -q -DskipTests -pl robust4j-cli -am package)
  JAVA              the java executable (default: java on the PATH)
"""
import argparse
import datetime
import json
import math
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import types

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
RESULTS = os.path.join(HERE, "results")
DOC = os.path.join(ROOT, "docs", "conformance.md")
REFS = os.environ.get("CONFORMANCE_REFS", "/work/refs")

# Reference repositories: folder under CONFORMANCE_REFS -> what to put on sys.path.
REF_REPOS = {
    "Trusted-AI+adversarial-robustness-toolbox": ".",
    "Harry24k+adversarial-attacks-pytorch": ".",
    "bethgelab+foolbox": ".",
    "jonasrauber+eagerpy": ".",
    "fra31+auto-attack": ".",
    "max-andr+square-attack": None,  # loaded by file path (its module names are generic)
}

FIXTURES = {
    "cnn": {
        "model": "robust4j-core/src/test/resources/fixtures/torchscript/cnn_traced.pt",
        "x": "robust4j-core/src/test/resources/fixtures/torchscript/x.npy",
        "y": "robust4j-core/src/test/resources/fixtures/torchscript/y.npy",
        "about": "scripts/make-torchscript-fixtures.py: conv16-BN-conv32-BN, dropout, fc64; train 0..9,999, 2 epochs, Adam; test images 0..99",
    },
    "cnn2": {
        "model": "robust4j-core/src/test/resources/fixtures/cnn2/cnn2_traced.pt",
        "x": "robust4j-core/src/test/resources/fixtures/cnn2/x.npy",
        "y": "robust4j-core/src/test/resources/fixtures/cnn2/y.npy",
        "about": "scripts/make-conformance-fixture.py: conv5x5 32, conv5x5 48, fc100, no BN/dropout; train 20,000..29,999, 3 epochs, SGD-Nesterov, seed 1; test images 5,000..5,199",
    },
    # Held-out data: the same models on test images that no attack setting was tuned on (and that
    # neither model was trained on); reported in their own section. `base`: the fixture whose
    # model they share, and whose sample count a row uses unless it names the held-out fixture.
    "cnn-heldout": {
        "model": "robust4j-core/src/test/resources/fixtures/torchscript/cnn_traced.pt",
        "x": "scripts/conformance/heldout/cnn-heldout/x.npy",
        "y": "scripts/conformance/heldout/cnn-heldout/y.npy",
        "about": "the `cnn` model; held-out Fashion-MNIST test images 3,000..3,099 (scripts/conformance/heldout/make_heldout.py)",
        "heldout": True, "base": "cnn",
    },
    "cnn2-heldout": {
        "model": "robust4j-core/src/test/resources/fixtures/cnn2/cnn2_traced.pt",
        "x": "scripts/conformance/heldout/cnn2-heldout/x.npy",
        "y": "scripts/conformance/heldout/cnn2-heldout/y.npy",
        "about": "the `cnn2` model; held-out Fashion-MNIST test images 7,000..7,199 (scripts/conformance/heldout/make_heldout.py)",
        "heldout": True, "base": "cnn2",
    },
}


def row_samples(row, fixture_name):
    """The number of images a row attacks on a fixture (None: the row does not run there): the
    fixture's own entry in the row's `samples`, else its base fixture's, else `default`."""
    samples = row["samples"]
    for key in (fixture_name, FIXTURES.get(fixture_name, {}).get("base"), "default"):
        if key is not None and key in samples:
            return samples[key]
    return None


# ---------------------------------------------------------------------------------------------
# references on sys.path

def setup_refs():
    for name, sub in REF_REPOS.items():
        if sub is None:
            continue
        path = os.path.join(REFS, name, sub)
        if os.path.isdir(path) and path not in sys.path:
            sys.path.insert(0, path)


def ref_commits():
    out = {}
    path = os.path.join(REFS, "COMMITS.txt")
    if os.path.exists(path):
        for line in open(path):
            parts = line.split()
            if len(parts) >= 2:
                out[parts[0]] = {"commit": parts[1], "date": " ".join(parts[2:])}
    for name in REF_REPOS:
        if name in out:
            continue
        d = os.path.join(REFS, name)
        try:
            c = subprocess.run(["git", "-C", d, "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
            if c.returncode == 0:
                out[name] = {"commit": c.stdout.strip(), "date": ""}
        except Exception:
            pass
    return out


_SQUARE_REF = None


def square_ref():
    """The authors' attack.py (max-andr/square-attack), imported from its file.

    attack.py imports the repository's data and models modules at the top, which pull in
    TensorFlow and torchvision model zoos that the attack functions never use: they are replaced
    by empty modules in sys.modules while attack.py is imported (the reference source is not
    modified). Its functions print through a module-global `log` that the script's __main__ sets;
    the harness sets it to a silent logger.
    """
    global _SQUARE_REF
    if _SQUARE_REF is None:
        import importlib.util
        d = os.path.join(REFS, "max-andr+square-attack")
        saved = {k: sys.modules.get(k) for k in ("data", "models", "utils")}
        sys.modules["data"] = types.ModuleType("data")
        sys.modules["models"] = types.ModuleType("models")
        spec_u = importlib.util.spec_from_file_location("utils", os.path.join(d, "utils.py"))
        utils = importlib.util.module_from_spec(spec_u)
        spec_u.loader.exec_module(utils)
        sys.modules["utils"] = utils
        try:
            spec = importlib.util.spec_from_file_location("square_attack_ref", os.path.join(d, "attack.py"))
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
        finally:
            for k, v in saved.items():
                if v is None:
                    sys.modules.pop(k, None)
                else:
                    sys.modules[k] = v
        mod.log = types.SimpleNamespace(print=lambda *a, **k: None)
        _SQUARE_REF = mod
    return _SQUARE_REF


def versions():
    setup_refs()
    v = {"torch": torch.__version__, "numpy": np.__version__, "python": platform.python_version()}
    for mod in ("art", "torchattacks", "foolbox", "eagerpy", "autoattack", "scipy"):
        try:
            m = __import__(mod)
            v[mod] = getattr(m, "__version__", None) or "(no __version__)"
        except Exception as e:  # pragma: no cover
            v[mod] = "import failed: %s" % e
    return v


# ---------------------------------------------------------------------------------------------
# the model, as every Python implementation sees it

class CountingNet(nn.Module):
    """The TorchScript fixture in eval mode, counting every row sent through forward()."""

    def __init__(self, path):
        super().__init__()
        self.inner = torch.jit.load(path, map_location="cpu").eval()
        for p in self.inner.parameters():
            p.requires_grad_(False)
        self.rows = 0

    def forward(self, x):
        self.rows += int(x.shape[0])
        return self.inner(x)


class Fixture:
    def __init__(self, name):
        spec = FIXTURES[name]
        self.name = name
        self.model_path = os.path.join(ROOT, spec["model"])
        self.x = np.load(os.path.join(ROOT, spec["x"])).astype(np.float32)
        self.y = np.load(os.path.join(ROOT, spec["y"])).astype(np.int64)
        self.about = spec["about"]
        self.net = CountingNet(self.model_path).eval()
        self.scorer = torch.jit.load(self.model_path, map_location="cpu").eval()

    def predict(self, x):
        with torch.no_grad():
            out = []
            for i in range(0, x.shape[0], 256):
                out.append(self.scorer(torch.from_numpy(np.ascontiguousarray(x[i:i + 256], dtype=np.float32))))
            return torch.cat(out).numpy()


# ---------------------------------------------------------------------------------------------
# uniform scoring: the same code for every implementation, robust4j included

BOUND_TOL = 1e-6      # adversarials must lie in [0 - tol, 1 + tol]
BALL_TOL_ABS = 1e-5   # and inside the eps ball within this absolute slack


def score(fx, x, y, adv, targets=None, eps=None, norm=None):
    """Scores one adversarial batch with PyTorch: success, norms, bound and ball checks.

    A sample counts as a success only if the model classified it correctly before the attack,
    the adversarial is misclassified (untargeted) or classified as the target (targeted), it has
    no NaN, lies inside [0, 1] and, for bounded rows, inside the eps ball. Norms are medians over
    the correctly classified samples with failures counted as +inf.
    """
    adv = np.asarray(adv, dtype=np.float32).reshape(x.shape)
    n = x.shape[0]
    clean = fx.predict(x).argmax(1)
    correct = clean == y
    finite = np.isfinite(adv.reshape(n, -1)).all(1)
    advc = np.where(np.isfinite(adv), adv, x)
    pred = fx.predict(advc).argmax(1)
    d = (advc - x).reshape(n, -1).astype(np.float64)
    l0 = (np.abs(d) > 1e-7).sum(1).astype(np.float64)
    l1 = np.abs(d).sum(1)
    l2 = np.sqrt((d ** 2).sum(1))
    linf = np.abs(d).max(1)
    in_bounds = finite & (advc.reshape(n, -1).min(1) >= -BOUND_TOL) & (advc.reshape(n, -1).max(1) <= 1 + BOUND_TOL)
    if eps is None:
        in_ball = np.ones(n, dtype=bool)
    else:
        size = {"linf": linf, "l2": l2, "l1": l1, "l0": l0}[norm]
        in_ball = size <= eps + BALL_TOL_ABS
    hit = (pred == targets) if targets is not None else (pred != y)
    success = correct & hit & in_bounds & in_ball
    nc = int(correct.sum())

    def med(v):
        if nc == 0:
            return None
        vals = np.where(success, v, np.inf)[correct]
        m = float(np.median(vals))
        return m if math.isfinite(m) else "inf"

    def med_success(v):
        s = v[success]
        return float(np.median(s)) if s.size else None

    return {
        "samples": int(n),
        "correct": nc,
        "clean_accuracy": nc / n,
        "successes": int(success.sum()),
        "success_rate": (float(success.sum()) / nc) if nc else None,
        "misclassified_but_invalid": int((correct & hit & ~(in_bounds & in_ball)).sum()),
        "out_of_bounds": int((correct & ~in_bounds).sum()),
        "out_of_ball": int((correct & ~in_ball).sum()),
        "max_bound_violation": float(max(0.0, -advc.min(), advc.max() - 1.0)),
        "median_l0": med(l0), "median_l1": med(l1), "median_l2": med(l2), "median_linf": med(linf),
        "median_l2_of_successes": med_success(l2), "median_linf_of_successes": med_success(linf),
        "max_linf": float(linf[correct].max()) if nc else None,
        "success_mask": "".join("1" if s else "0" for s in success),
    }


# ---------------------------------------------------------------------------------------------
# running one implementation

def robust4j_jar():
    return os.environ.get("ROBUST4J_JAR", os.path.join(ROOT, "robust4j-cli", "target", "robust4j-cli.jar"))


def run_robust4j(fx, n, spec, seed, targets, workdir):
    name, params = spec
    xs = os.path.join(workdir, "x.npy")
    ys = os.path.join(workdir, "y.npy")
    np.save(xs, fx.x[:n])
    np.save(ys, fx.y[:n])
    out_json = os.path.join(workdir, "r4j.json")
    out_adv = os.path.join(workdir, "r4j_adv.npy")
    for p in (out_json, out_adv):
        if os.path.exists(p):
            os.remove(p)
    cmd = [os.environ.get("JAVA", "java"), "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
           "-Dai.djl.pytorch.num_interop_threads=1", "-jar", robust4j_jar(), "attack",
           "--model", fx.model_path, "--data", xs, "--labels", ys, "--attack", name,
           "--batch-size", str(n), "--seed", str(seed), "--json", out_json, "--save-adversarial", out_adv]
    for k, v in params.items():
        cmd += ["--param", "%s=%s" % (k, v)]
    if targets is not None:
        cmd += ["--target", "next"]
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    t0 = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env,
                          timeout=int(os.environ.get("CONFORMANCE_TIMEOUT", "600")))
    wall = time.time() - t0
    if proc.returncode != 0:
        raise RuntimeError("robust4j exited %d: %s" % (proc.returncode, (proc.stderr or proc.stdout).strip()[-2000:]))
    rec = json.load(open(out_json))
    adv = np.load(out_adv)
    shown = [c if " " not in c else repr(c) for c in cmd]
    return adv, {
        "seconds": rec.get("seconds"), "wall_seconds": wall,
        "queries_mean": rec.get("queries_mean"),
        "own_success_rate": rec.get("success_rate"),
        "params_used": rec.get("params"),
        "command": " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in shown),
        "stdout": proc.stdout.strip()[-500:],
    }


class Ctx:
    """What a reference implementation gets: the counted model, the batch, targets, seed."""

    def __init__(self, fx, n, seed, targets):
        self.fx = fx
        self.net = fx.net
        self.x_np = fx.x[:n]
        self.y_np = fx.y[:n]
        self.x = torch.from_numpy(self.x_np.copy())
        self.y = torch.from_numpy(self.y_np.copy())
        self.t_np = targets
        self.t = torch.from_numpy(targets.copy()) if targets is not None else None
        self.seed = seed
        self.n = n

    def art(self):
        from art.estimators.classification import PyTorchClassifier
        return PyTorchClassifier(model=self.net, loss=nn.CrossEntropyLoss(), input_shape=tuple(self.x_np.shape[1:]),
                                 nb_classes=10, clip_values=(0.0, 1.0), device_type="cpu")

    def fb(self):
        import foolbox
        return foolbox.PyTorchModel(self.net, bounds=(0, 1), device="cpu")

    def onehot(self, labels):
        return np.eye(10, dtype=np.float32)[labels]


def run_reference(fx, n, fn, seed, targets, limit=None):
    ctx = Ctx(fx, n, seed, targets)
    torch.manual_seed(seed)
    np.random.seed(seed)
    import random
    random.seed(seed)
    fx.net.rows = 0
    t0 = time.time()
    limit = limit or int(os.environ.get("CONFORMANCE_TIMEOUT", "600"))

    def on_alarm(signum, frame):
        raise TimeoutError("gave up after %d s (CONFORMANCE_TIMEOUT)" % limit)
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(limit)
    try:
        out = fn(ctx)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    secs = time.time() - t0
    info = {}
    if isinstance(out, tuple):
        out, info = out
    if isinstance(out, torch.Tensor):
        out = out.detach().cpu().numpy()
    rows = fx.net.rows
    res = {"seconds": secs, "wall_seconds": secs, "queries_mean": rows / n}
    res.update(info)
    return np.asarray(out, dtype=np.float32), res


# ---------------------------------------------------------------------------------------------
# verdicts

def sr_tolerance(mask_a, mask_b, n):
    """Paired tolerance on a difference of success rates measured on the same samples.

    Two standard errors of the paired difference under the null of equal rates (McNemar):
    2·sqrt(b + c)/n, with b and c the samples only one of the two broke; never less than one
    sample (1/n).
    """
    a = np.array([ch == "1" for ch in mask_a])
    b = np.array([ch == "1" for ch in mask_b])
    discordant = int((a != b).sum())
    return max(1.0 / n, 2.0 * math.sqrt(discordant) / n)


NORM_REL_TOL = 0.05


def discordant(mask_a, mask_b):
    a = np.array([ch == "1" for ch in mask_a])
    b = np.array([ch == "1" for ch in mask_b])
    return int((a & ~b).sum()), int((b & ~a).sum())


def num(v):
    if v is None:
        return None
    if v == "inf":
        return math.inf
    return float(v)


def verdict(row, impls):
    """robust4j against the best reference of the row: '>=', '~' or '<' with the reason."""
    r4j = impls.get("robust4j")
    refs = {k: v for k, v in impls.items() if k != "robust4j" and v.get("score")}
    if not r4j or not r4j.get("score"):
        return {"verdict": "n/a", "reason": "robust4j did not run: " + str(r4j.get("error") if r4j else "missing")}
    if not refs:
        return {"verdict": "n/a", "reason": "no reference ran"}
    rs = r4j["score"]
    n = rs["correct"]
    best_sr_name = max(refs, key=lambda k: refs[k]["score"]["success_rate"] or 0.0)
    best_sr = refs[best_sr_name]["score"]["success_rate"] or 0.0
    sr = rs["success_rate"] or 0.0
    tol = sr_tolerance(rs["success_mask"], refs[best_sr_name]["score"]["success_mask"], n)
    only_r4j, only_ref = discordant(rs["success_mask"], refs[best_sr_name]["score"]["success_mask"])
    pair = "; broken only by robust4j %d, only by %s %d" % (only_r4j, best_sr_name, only_ref)
    if row["kind"] == "bounded":
        if sr >= best_sr - 1e-12:
            v = ">="
        elif best_sr - sr <= tol:
            v = "~"
        else:
            v = "<"
        return {"verdict": v, "metric": "success rate", "robust4j": sr, "best": best_sr, "best_impl": best_sr_name,
                "tolerance": tol,
                "reason": "SR %.3f vs %.3f (%s); tolerance %.3f%s" % (sr, best_sr, best_sr_name, tol, pair)}
    # minimal-norm rows: success first, then the median norm (failures = +inf)
    key = "median_" + row["metric_norm"]
    if best_sr - sr > tol:
        return {"verdict": "<", "metric": "success rate", "robust4j": sr, "best": best_sr, "best_impl": best_sr_name,
                "tolerance": tol, "reason": "SR %.3f vs %.3f (%s); tolerance %.3f%s" % (sr, best_sr, best_sr_name, tol, pair)}
    best_name = min(refs, key=lambda k: num(refs[k]["score"][key]) if refs[k]["score"][key] is not None else math.inf)
    best = num(refs[best_name]["score"][key])
    mine = num(rs[key])
    if mine is None or best is None:
        return {"verdict": "n/a", "reason": "no median"}
    if mine <= best * (1 + 1e-9):
        v = ">="
    elif mine <= best * (1 + NORM_REL_TOL):
        v = "~"
    else:
        v = "<"
    return {"verdict": v, "metric": key, "robust4j": mine, "best": best, "best_impl": best_name,
            "tolerance": NORM_REL_TOL,
            "reason": "%s %.4g vs %.4g (%s); SR %.3f vs best %.3f" % (key, mine, best, best_name, sr, best_sr)}


# ---------------------------------------------------------------------------------------------
# running rows

def run_row(row, fixture_name, log, only=None, previous=None):
    """Runs a row's implementations; with `only`, runs just those and keeps the others' records
    from `previous` (the row's earlier JSON), marked with the time they were recorded."""
    fx = FIXTURES_LOADED[fixture_name]
    n = min(row_samples(row, fixture_name) or 100, fx.x.shape[0])
    seed = row.get("seed", 0)
    x, y = fx.x[:n], fx.y[:n]
    targets = ((y + 1) % 10).astype(np.int64) if row.get("targeted") else None
    eps = row.get("eps")
    norm = row.get("norm")
    impls = {}
    order = ["robust4j"] + list(row["refs"].keys())
    for impl in order:
        if only is not None and impl not in only and previous and impl in previous.get("implementations", {}):
            rec = dict(previous["implementations"][impl])
            rec.setdefault("recorded", previous.get("recorded"))
            impls[impl] = rec
            continue
        log("  %-8s %-22s %-26s" % (fixture_name, row["id"], impl))
        rec = {}
        try:
            with tempfile.TemporaryDirectory(prefix="conf-") as wd:
                if impl == "robust4j":
                    adv, info = run_robust4j(fx, n, row["robust4j"], seed, targets, wd)
                else:
                    adv, info = run_reference(fx, n, row["refs"][impl], seed, targets, row.get("timeouts", {}).get(impl))
            rec.update(info)
            rec["score"] = score(fx, x, y, adv, targets, eps, norm)
            s = rec["score"]
            log("      SR %s  median L2 %s  median Linf %s  queries %.1f  %.1f s%s" % (
                fmt(s["success_rate"]), fmt(s["median_l2"]), fmt(s["median_linf"]), rec.get("queries_mean") or 0,
                rec.get("seconds") or 0,
                ("  INVALID: %d out of bounds, %d out of ball" % (s["out_of_bounds"], s["out_of_ball"]))
                if (s["out_of_bounds"] or s["out_of_ball"]) else ""))
        except Exception as e:
            rec["error"] = "%s: %s" % (type(e).__name__, str(e)[-1500:])
            log("      FAILED " + rec["error"].splitlines()[0][:300])
            if os.environ.get("CONFORMANCE_DEBUG"):
                traceback.print_exc()
        impls[impl] = rec
    out = {
        "row": row["id"], "fixture": fixture_name, "title": row["title"], "kind": row["kind"],
        "norm": norm, "eps": eps, "targeted": bool(row.get("targeted")), "samples": n, "seed": seed,
        "settings": row["settings"], "mapping": row.get("mapping", {}),
        "robust4j_attack": {"name": row["robust4j"][0], "params": row["robust4j"][1]},
        "implementations": impls,
        "recorded": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }
    out["verdict"] = verdict(row, impls)
    log("      verdict: %s  %s" % (out["verdict"]["verdict"], out["verdict"].get("reason", "")))
    return out


def fmt(v, digits=3):
    if v is None:
        return "–"
    if v == "inf" or (isinstance(v, float) and math.isinf(v)):
        return "∞"
    if isinstance(v, float):
        return ("%." + str(digits) + "f") % v
    return str(v)


FIXTURES_LOADED = {}


def environment():
    lscpu = {}
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                lscpu[k.strip()] = v.strip()
    except Exception:
        pass
    java = ""
    try:
        java = subprocess.run([os.environ.get("JAVA", "java"), "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    except Exception:
        pass
    # the last commit that changed robust4j's main sources or build (what the jar was built from,
    # if it was built from this checkout)
    rev = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%h", "--", "pom.xml", "robust4j-core/src/main",
                          "robust4j-core/pom.xml", "robust4j-cli"], capture_output=True, text=True).stdout.strip()
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": lscpu.get("Model name", platform.processor()),
        "cores": os.cpu_count(),
        "threads": 1,
        "os": platform.platform(),
        "java": java,
        "robust4j_jar": os.path.relpath(robust4j_jar(), ROOT) if robust4j_jar().startswith(ROOT) else robust4j_jar(),
        "robust4j_commit": rev,
        "versions": versions(),
        "reference_commits": ref_commits(),
    }


def main():
    import rows as rowdefs
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--attacks", help="comma-separated row ids to (re)run (default: all); see --list")
    ap.add_argument("--fixture", help="comma-separated fixtures (default: %s; the held-out ones: %s)" % (
        ",".join(f for f in FIXTURES if not FIXTURES[f].get("heldout")),
        ",".join(f for f in FIXTURES if FIXTURES[f].get("heldout"))))
    ap.add_argument("--doc-only", action="store_true", help="only regenerate docs/conformance.md from results/")
    ap.add_argument("--only", help="comma-separated implementations to rerun (e.g. robust4j); the others' recorded"
                    " results of the row are kept")
    ap.add_argument("--list", action="store_true", help="list the rows and exit")
    args = ap.parse_args()
    all_rows = rowdefs.ROWS
    if args.list:
        for r in all_rows:
            print("%-16s %s" % (r["id"], r["title"]))
        return
    if not args.doc_only:
        setup_refs()
        wanted = [a.strip() for a in args.attacks.split(",")] if args.attacks else [r["id"] for r in all_rows]
        unknown = [a for a in wanted if a not in {r["id"] for r in all_rows}]
        if unknown:
            sys.exit("unknown rows: %s (see --list)" % ", ".join(unknown))
        fixtures = [f.strip() for f in args.fixture.split(",")] if args.fixture else [
            f for f in FIXTURES if not FIXTURES[f].get("heldout")]
        for f in fixtures:
            if f not in FIXTURES:
                sys.exit("unknown fixture %s; known: %s" % (f, ", ".join(FIXTURES)))
            FIXTURES_LOADED[f] = Fixture(f)
        if not os.path.exists(robust4j_jar()):
            sys.exit("robust4j jar not found: %s (build it, or set ROBUST4J_JAR)" % robust4j_jar())
        os.makedirs(RESULTS, exist_ok=True)
        env = environment()
        json.dump(env, open(os.path.join(RESULTS, "environment.json"), "w"), indent=1)
        log = lambda s: print(s, flush=True)  # noqa: E731
        t0 = time.time()
        for r in all_rows:
            if r["id"] not in wanted:
                continue
            for f in fixtures:
                if row_samples(r, f) is None:
                    continue
                previous = None
                path = os.path.join(RESULTS, f, r["id"] + ".json")
                if args.only and os.path.exists(path):
                    previous = json.load(open(path))
                out = run_row(r, f, log, [i.strip() for i in args.only.split(",")] if args.only else None, previous)
                out["robust4j_commit"] = env["robust4j_commit"]
                d = os.path.join(RESULTS, f)
                os.makedirs(d, exist_ok=True)
                tmp = os.path.join(d, r["id"] + ".json.tmp")
                json.dump(out, open(tmp, "w"), indent=1)
                os.replace(tmp, os.path.join(d, r["id"] + ".json"))
        log("done in %.0f s" % (time.time() - t0))
    import report
    report.write(all_rows)
    print("wrote", os.path.relpath(DOC, ROOT))


if __name__ == "__main__":
    main()
