"""The spread over seeds of one conformance row, for robust4j and its references.

A random-search attack's median over 20 samples moves with the seed; one seed per implementation
cannot separate a 10% difference from that movement. This runs the row with seeds 0..S-1 for every
implementation (robust4j through its CLI, references with numpy/torch/random seeded as the
conformance run seeds them) and writes each seed's PyTorch re-check, plus mean and standard
deviation of the row's figure.

    /usr/bin/python3 scripts/conformance/investigations/seed_spread.py ROW FIXTURE SEEDS [out.json]
"""
import json
import math
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("CONFORMANCE_REFS", "/work/refs")
import conformance as C  # noqa: E402
import rows as R  # noqa: E402

C.setup_refs()


def figure_of(row):
    return "median_" + row["metric_norm"] if row.get("kind") == "minimal" else "success_rate"


def main():
    row_id, fixture, seeds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    row = next(r for r in R.ROWS if r["id"] == row_id)
    fx = C.Fixture(fixture)
    n = row["samples"][fixture] if isinstance(row["samples"], dict) else row["samples"]
    n = min(n, len(fx.y)) if isinstance(n, int) else len(fx.y)
    key = figure_of(row)
    out = {"row": row_id, "fixture": fixture, "samples": n, "figure": key, "implementations": {}}
    impls = {"robust4j": None}
    impls.update(row["refs"])
    for name, fn in impls.items():
        runs = []
        for seed in range(seeds):
            if fn is None:
                adv, _ = C.run_robust4j(fx, n, row["robust4j"], seed, None, tempfile.mkdtemp())
            else:
                adv, _ = C.run_reference(fx, n, fn, seed, None)
            s = C.score(fx, fx.x[:n], fx.y[:n], adv)
            runs.append({"seed": seed, "success_rate": s["success_rate"], key: s[key]})
            print(name, seed, runs[-1], flush=True)
        vals = [r[key] for r in runs if isinstance(r[key], (int, float)) and math.isfinite(r[key])]
        mean = sum(vals) / len(vals) if vals else None
        sd = math.sqrt(sum((v - mean) ** 2 for v in vals) / (len(vals) - 1)) if len(vals) > 1 else None
        out["implementations"][name] = {"runs": runs, "mean": mean, "sd": sd}
        print(name, "mean", mean, "sd", sd, flush=True)
    path = sys.argv[4] if len(sys.argv) > 4 else os.path.join(os.path.dirname(HERE), "results", "investigations",
                                                               "%s-seeds-%s.json" % (row_id, fixture))
    with open(path, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
