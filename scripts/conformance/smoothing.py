#!/usr/bin/env python3
"""Randomized smoothing: robust4j's `certify` against the authors' implementation (issue #15).

Runs `Smooth.certify` of locuslab/smoothing (code/core.py, Cohen, Rosenfeld and Kolter, ICML 2019)
and `robust4j certify` with the same sigma, n0, n and alpha on the same fixture images, records both
under scripts/conformance/results/smoothing-<fixture>.json, and regenerates docs/conformance.md (whose
"Randomized smoothing" section report.py renders from that record).

    /usr/bin/python3 scripts/conformance/smoothing.py [--fixture cnn2] [--samples 200] [--sigma 0.25]
        [--n0 100] [--n 1000] [--alpha 0.001] [--doc-only]

Environment: CONFORMANCE_REFS (default /work/refs; the checkout is CONFORMANCE_REFS/locuslab+smoothing),
ROBUST4J_JAR, JAVA, as for scripts/conformance/run.

The two implementations draw different noise (PyTorch's generator against robust4j's per-row
SplittableRandom streams), so they cannot agree bit for bit; what must agree is everything the
noise does not decide:

1. The statistics, exactly: the reference's own `_lower_confidence_bound` (statsmodels'
   Clopper-Pearson) and `sigma * norm.ppf` applied to robust4j's vote counts must give robust4j's
   bound and radius (tolerance 1e-9).
2. The certified prediction (a class, or abstain) per sample, except where either run is within
   Monte Carlo error of the abstention threshold: a sample is "borderline" when the interval
   p_hat +- 3 * sqrt(2) * se (se = sqrt(p_hat (1 - p_hat) / n), p_hat the two runs' pooled vote
   rate of the class) contains the rate at which the Clopper-Pearson bound crosses 1/2.
3. The radii of samples both certify for the same class: the two vote counts are independent
   binomials with the same p, so their difference has standard error sqrt(2 n p (1 - p)); a sample
   whose counts differ by more than 3 standard errors (+1 for the discreteness) is out of tolerance.
   The radius difference this allows is reported; it is not a fixed number because the radius is a
   steep function of the count near p = 1 (sigma / phi(PhiInv(p))).
4. Certified accuracy per radius: the difference at each radius is within the paired two-standard-
   error band 2 * sqrt(b + c) / N of the samples counted by only one run (b + c), never less than
   one sample.
"""
import argparse
import datetime
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import types

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from conformance import FIXTURES, RESULTS, ROOT, REFS, robust4j_jar  # noqa: E402

REPO = "locuslab+smoothing"
RADII = [0.0, 0.25, 0.5, 0.75, 1.0]


def reference_module():
    """Imports the authors' code/core.py unmodified, with two shims.

    - core.py imports `binom_test` from scipy.stats, which SciPy 1.12 removed (its replacement is
      `binomtest(k, n, p).pvalue`); when it is missing, the shim puts it back. SciPy 1.10 (Debian
      bookworm) still has it.
    - `_sample_noise` draws with `torch.randn_like(batch, device='cuda')`; the machine has no GPU, so
      the module sees a `torch` whose `randn_like` ignores the device argument (the draws come from
      PyTorch's CPU generator; everything else is the real torch).
    """
    import scipy.stats
    if not hasattr(scipy.stats, "binom_test"):
        scipy.stats.binom_test = lambda k, n=None, p=0.5, alternative="two-sided": \
            scipy.stats.binomtest(int(k), int(n), p, alternative=alternative).pvalue
    code = os.path.join(REFS, REPO, "code")
    if not os.path.isdir(code):
        sys.exit("reference not found: %s (clone locuslab/smoothing there)" % code)
    if code not in sys.path:
        sys.path.insert(0, code)
    import core

    class CpuTorch(types.ModuleType):
        def __getattr__(self, name):
            return getattr(torch, name)

        @staticmethod
        def randn_like(t, device=None, **kw):
            return torch.randn_like(t, **kw)

    core.torch = CpuTorch("torch")
    return core


def ref_commit():
    path = os.path.join(REFS, "COMMITS.txt")
    if os.path.exists(path):
        for line in open(path):
            parts = line.split()
            if parts and parts[0] == REPO:
                return {"commit": parts[1], "date": " ".join(parts[2:])}
    return {"commit": "?", "date": ""}


def run_reference(fx_path, x, args):
    core = reference_module()
    net = torch.jit.load(fx_path, map_location="cpu").eval()
    smooth = core.Smooth(net, 10, args.sigma)
    seen = []
    original = smooth._sample_noise

    def recording(x, num, batch_size):  # records the vote counts: selection, then estimation
        counts = original(x, num, batch_size)
        seen.append([int(c) for c in counts])
        return counts
    smooth._sample_noise = recording
    torch.manual_seed(args.seed)
    out = []
    t0 = time.time()
    for i in range(x.shape[0]):
        seen.clear()
        label, radius = smooth.certify(torch.from_numpy(x[i]), args.n0, args.n, args.alpha, args.batch)
        candidate = int(np.argmax(seen[0]))
        out.append({"prediction": None if label == core.Smooth.ABSTAIN else int(label), "radius": float(radius),
                    "candidate": candidate, "count": seen[1][candidate], "estimation_counts": seen[1]})
    return out, time.time() - t0


def run_robust4j(fx_path, x, y, args):
    with tempfile.TemporaryDirectory(prefix="smooth-") as wd:
        xs, ys, js = (os.path.join(wd, f) for f in ("x.npy", "y.npy", "out.json"))
        np.save(xs, x)
        np.save(ys, y)
        cmd = [os.environ.get("JAVA", "java"), "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
               "-Dai.djl.pytorch.num_interop_threads=1", "-jar", robust4j_jar(), "certify", "--model", fx_path,
               "--data", xs, "--labels", ys, "--sigma", str(args.sigma), "--n0", str(args.n0), "--n", str(args.n),
               "--alpha", str(args.alpha), "--batch-size", str(args.batch), "--seed", str(args.seed), "--json", js]
        t0 = time.time()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS="1"))
        wall = time.time() - t0
        if proc.returncode != 0:
            raise RuntimeError("robust4j exited %d: %s" % (proc.returncode, proc.stderr.strip()[-2000:]))
        rec = json.load(open(js))
    shown = " ".join(os.path.relpath(c, ROOT) if c.startswith(ROOT) else c for c in cmd)
    shown = shown.replace(wd, "$TMP")
    return rec, wall, shown, proc.stdout.strip()


def threshold_rate(n, alpha):
    """The smallest vote rate k/n whose Clopper-Pearson bound is at least 1/2."""
    from statsmodels.stats.proportion import proportion_confint
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi) // 2
        if proportion_confint(mid, n, alpha=2 * alpha, method="beta")[0] >= 0.5:
            hi = mid
        else:
            lo = mid + 1
    return lo / n


def compare(ref, r4j, y, args):
    from scipy.stats import norm
    core = reference_module()
    smooth = core.Smooth(None, 10, args.sigma)
    n = args.n
    per = r4j["per_sample"]
    N = len(per)
    # 1. the statistics on robust4j's own counts, computed by the reference's functions
    stat_err = 0.0
    for s in per:
        pa = smooth._lower_confidence_bound(s["count"], n, args.alpha)
        stat_err = max(stat_err, abs(pa - s["p_a_lower"]))
        if pa >= 0.5:
            stat_err = max(stat_err, abs(args.sigma * norm.ppf(pa) - s["radius"]))
    # 2. predictions
    p_star = threshold_rate(n, args.alpha)
    agree, borderline_disagree, disagree = 0, 0, []
    both_certified = []
    samples = []
    for i in range(N):
        a, b = per[i], ref[i]
        pred_r4j, pred_ref = a["prediction"], b["prediction"]
        # pooled vote rate of the class either run certified (robust4j's candidate if neither did);
        # the reference's estimation counts are recorded for every class, robust4j's for its candidate
        cls = pred_r4j if pred_r4j is not None else (pred_ref if pred_ref is not None else a["candidate"])
        ks = [b["estimation_counts"][cls]] + ([a["count"]] if a["candidate"] == cls else [])
        p_hat = sum(ks) / (len(ks) * n)
        se = math.sqrt(max(p_hat * (1 - p_hat), 1.0 / n) / n)
        borderline = abs(p_hat - p_star) <= 3 * math.sqrt(2) * se
        same = pred_r4j == pred_ref
        row = {"index": i, "label": int(y[i]), "robust4j": pred_r4j, "reference": pred_ref,
               "robust4j_radius": a["radius"], "reference_radius": b["radius"],
               "robust4j_count": a["count"], "reference_count": b["count"], "borderline": borderline}
        samples.append(row)
        if same:
            agree += 1
        elif borderline:
            borderline_disagree += 1
        else:
            disagree.append(i)
        if same and pred_r4j is not None:
            both_certified.append(row)
    # 3. radii of samples certified by both for the same class
    dr = [r["robust4j_radius"] - r["reference_radius"] for r in both_certified]
    out_of_tol = []
    for r in both_certified:
        p = (r["robust4j_count"] + r["reference_count"]) / (2 * n)
        se_k = math.sqrt(2 * n * p * (1 - p))
        if abs(r["robust4j_count"] - r["reference_count"]) > 3 * se_k + 1:
            out_of_tol.append(r["index"])
    # 4. certified accuracy per radius
    curve = []
    for rad in RADII:
        c_r4j = np.array([s["correct"] and s["radius"] >= rad for s in per])
        c_ref = np.array([(ref[i]["prediction"] == int(y[i])) and ref[i]["radius"] >= rad for i in range(N)])
        disc = int((c_r4j != c_ref).sum())
        tol = max(1.0 / N, 2 * math.sqrt(disc) / N)
        diff = float(c_r4j.mean() - c_ref.mean())
        curve.append({"radius": rad, "robust4j": float(c_r4j.mean()), "reference": float(c_ref.mean()),
                      "discordant": disc, "tolerance": tol, "within": abs(diff) <= tol + 1e-12})
    abst_r4j = sum(1 for s in per if s["prediction"] is None) / N
    abst_ref = sum(1 for s in ref if s["prediction"] is None) / N
    return {
        "statistics_max_abs_error": stat_err,
        "threshold_rate": p_star,
        "predictions_agree": agree,
        "predictions_differ_borderline": borderline_disagree,
        "predictions_differ_not_borderline": disagree,
        "both_certified_same_class": len(both_certified),
        "radius_diff_mean": float(np.mean(dr)) if dr else None,
        "radius_diff_mean_abs": float(np.mean(np.abs(dr))) if dr else None,
        "radius_diff_max_abs": float(np.max(np.abs(dr))) if dr else None,
        "radius_counts_out_of_tolerance": out_of_tol,
        "certified_accuracy": curve,
        "abstention_rate": {"robust4j": abst_r4j, "reference": abst_ref},
        "samples": samples,
    }


def verdict(cmp_):
    ok = (cmp_["statistics_max_abs_error"] <= 1e-9 and not cmp_["predictions_differ_not_borderline"]
          and not cmp_["radius_counts_out_of_tolerance"] and all(c["within"] for c in cmp_["certified_accuracy"]))
    return "agree" if ok else "differ"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fixture", default="cnn2", choices=sorted(FIXTURES))
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--sigma", type=float, default=0.25)
    ap.add_argument("--n0", type=int, default=100)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--alpha", type=float, default=0.001)
    ap.add_argument("--batch", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--doc-only", action="store_true", help="only regenerate docs/conformance.md")
    args = ap.parse_args()
    if not args.doc_only:
        spec = FIXTURES[args.fixture]
        fx_path = os.path.join(ROOT, spec["model"])
        x = np.load(os.path.join(ROOT, spec["x"])).astype(np.float32)[:args.samples]
        y = np.load(os.path.join(ROOT, spec["y"])).astype(np.int64)[:args.samples]
        commit = subprocess.run(["git", "-C", ROOT, "log", "-1", "--format=%h", "--", "robust4j-core/src/main",
                                 "robust4j-cli/src/main"], capture_output=True, text=True).stdout.strip()
        load = os.getloadavg()[0]
        print("robust4j certify on %d images of %s ..." % (len(x), args.fixture), flush=True)
        r4j, r4j_wall, cmd, stdout = run_robust4j(fx_path, x, y, args)
        print(stdout, flush=True)
        print("locuslab Smooth.certify ...", flush=True)
        ref, ref_secs = run_reference(fx_path, x, args)
        cmp_ = compare(ref, r4j, y, args)
        import scipy
        import statsmodels
        out = {
            "fixture": args.fixture, "about": spec["about"], "samples": int(len(x)),
            "settings": {"sigma": args.sigma, "n0": args.n0, "n": args.n, "alpha": args.alpha, "batch": args.batch,
                         "seed": args.seed},
            "recorded": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "reference": {"repository": "https://github.com/locuslab/smoothing", **ref_commit(),
                          "seconds": ref_secs, "versions": {"torch": torch.__version__, "scipy": scipy.__version__,
                                                              "statsmodels": statsmodels.__version__}},
            "robust4j": {"command": cmd, "seconds": r4j["seconds"], "wall_seconds": r4j_wall,
                         "robust4j_commit": commit},
            "load_average": "%.0f at the start, %.0f at the end (2 cores)" % (load, os.getloadavg()[0]),
            "comparison": cmp_,
        }
        out["verdict"] = verdict(cmp_)
        os.makedirs(RESULTS, exist_ok=True)
        path = os.path.join(RESULTS, "smoothing-%s.json" % args.fixture)
        tmp = path + ".tmp"
        json.dump(out, open(tmp, "w"), indent=1)
        os.replace(tmp, path)
        c = cmp_
        print("verdict: %s; predictions agree on %d of %d (%d differ near the threshold, %d elsewhere); statistics"
              " error %.2g; radius |diff| mean %s max %s; counts out of tolerance %s" % (
                  out["verdict"], c["predictions_agree"], len(x), c["predictions_differ_borderline"],
                  len(c["predictions_differ_not_borderline"]), c["statistics_max_abs_error"],
                  c["radius_diff_mean_abs"], c["radius_diff_max_abs"], c["radius_counts_out_of_tolerance"]))
        for row in c["certified_accuracy"]:
            print("  r=%.2f  robust4j %.3f  reference %.3f  tolerance %.3f %s" % (
                row["radius"], row["robust4j"], row["reference"], row["tolerance"], "ok" if row["within"] else "OUT"))
    import report
    import rows as rowdefs
    report.write(rowdefs.ROWS)
    print("wrote docs/conformance.md")


if __name__ == "__main__":
    main()
