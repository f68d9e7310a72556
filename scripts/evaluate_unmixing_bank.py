#!/usr/bin/python3
"""Scores unmixing configurations on the generated bank (scripts/unmixing_bank.py)
and the shared scenes in ../shared/data (those present), against their truth:
mSAD (radians, Hungarian matching) and abundance RMSE, as `gridnmf evaluate`
computes them. One MPI rank per run, OPENBLAS_NUM_THREADS=1.

    scripts/evaluate_unmixing_bank.py --bank-dir DIR [--methods a,b] [--json OUT]

Methods: default (the current defaults: weights from the scene), old_default
(volume 8, VCA start, no sparsity: the settings before issue 14, run on this
binary, so the volume term counts S only above the noise), vca_fcls and
spa_fcls (the start's pixels as W, fully constrained least squares
abundances, no iteration), l_half (L1/2 sparsity alone, no volume term).

At the end: the bank scenes where the default is worse than the better of
VCA+FCLS and SPA+FCLS by more than 0.01 rad, and the shared scenes against
their targets (samson <= 0.07, jasper_ridge <= 0.15, misic_sim1 <= 0.02)."""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np
from scipy.optimize import linear_sum_assignment, nnls

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from unmixing_bank import BANK  # noqa: E402

SHARED = os.path.join(ROOT, "..", "shared", "data")
SHARED_SCENES = {"samson": 3, "jasper_ridge": 4, "misic_sim1": 6}
SHARED_TARGETS = {"samson": 0.07, "jasper_ridge": 0.15, "misic_sim1": 0.02}  # mSAD, issue 14
METHODS = {
    "default": [],
    "old_default": ["--init", "vca", "--volume", "8", "--volume-floor", "3e-5", "--sparsity", "0"],
    "vca_fcls": ["--init", "vca"],
    "spa_fcls": ["--init", "spa"],
    "l_half": ["--init", "vca", "--volume", "0", "--volume-floor", "0", "--sparsity", "1"],
}


def scores(w_true, h_true, w, h):
    a = w_true / np.linalg.norm(w_true, axis=0)
    b = w / np.maximum(np.linalg.norm(w, axis=0), 1e-300)
    sad = np.arccos(np.clip(a.T @ b, -1, 1))
    rows, cols = linear_sum_assignment(sad)
    msad = float(sad[rows, cols].mean())
    sums = h.sum(axis=0)
    hn = h / np.where(sums > 0, sums, 1)
    rmse = float(np.sqrt(np.mean((hn[cols, :] - h_true[rows, :]) ** 2)))
    return msad, rmse


def fcls(v, w):
    """Non-negative, sum-to-one abundances: NNLS with a heavy appended row."""
    delta = 100.0 * np.sqrt(np.mean(np.sum(v * v, axis=0)))
    wa = np.vstack([w, delta * np.ones((1, w.shape[1]))])
    h = np.empty((w.shape[1], v.shape[1]))
    for j in range(v.shape[1]):
        h[:, j] = nnls(wa, np.append(v[:, j], delta))[0]
    return h


def run_method(gridnmf, mpiexec, method, scene, k, tmp):
    out = os.path.join(tmp, "result.h5")
    if os.path.exists(out):
        os.remove(out)
    start_only = method.endswith("_fcls")
    command = [mpiexec, "-n", "1", gridnmf, "unmix", "--input", scene, "--endmembers", str(k),
               "--output", out, "--print-every", "0", *METHODS[method]]
    if start_only:
        command += ["--max-iter", "1"]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    with h5py.File(scene, "r") as f:
        w_true, h_true = f["W_true"][...], f["H_true"][...]
        if start_only:
            v = f["V"][...].astype(np.float64)
            rows = int(f.attrs["rows"])
    if start_only:
        line = re.search(r"chose pixels \(row, col\) (.*)", done.stdout).group(1)
        pixels = [int(r) + int(c) * rows for r, c in re.findall(r"\((\d+), (\d+)\)", line)]
        w = v[:, pixels]
        return scores(w_true, h_true, w, fcls(v, w))
    with h5py.File(out, "r") as f:
        return scores(w_true, h_true, f["W"][...], f["H"][...])


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bank-dir", required=True, help="where unmixing_bank.py --write put the scenes")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--scenes", default="", help="comma-separated names (default: all)")
    parser.add_argument("--gridnmf", default=os.path.join(ROOT, "build", "gridnmf"))
    parser.add_argument("--mpiexec", default="mpiexec")
    parser.add_argument("--json", help="write every score here")
    args = parser.parse_args()
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    methods = args.methods.split(",")
    scenes = [(kind, name, os.path.join(args.bank_dir, name + ".h5"),
               int(options[options.index("--endmembers") + 1])) for kind, name, options in BANK]
    for name, k in SHARED_SCENES.items():
        path = os.path.join(SHARED, name + ".h5")
        if os.path.exists(path):
            scenes.append(("shared: " + name, name, path, k))
    if args.scenes:
        wanted = set(args.scenes.split(","))
        scenes = [s for s in scenes if s[1] in wanted]
    results = []
    with tempfile.TemporaryDirectory(prefix="gridnmf_bank_") as tmp:
        for kind, name, path, k in scenes:
            row = {"kind": kind, "scene": name}
            for method in methods:
                row[method] = run_method(args.gridnmf, args.mpiexec, method, path, k, tmp)
            results.append(row)
            print(name.ljust(28), "  ".join(f"{m} {row[m][0]:.3f}/{row[m][1]:.3f}" for m in methods),
                  flush=True)
    if args.json:
        with open(args.json, "w") as stream:
            json.dump(results, stream, indent=1)
    print("\n| kind | " + " | ".join(methods) + " |")
    print("|---|" + "---|" * len(methods))
    for kind in dict.fromkeys(r["kind"] for r in results):
        rows = [r for r in results if r["kind"] == kind]
        cells = [f"{np.mean([r[m][0] for r in rows]):.3f} / {np.mean([r[m][1] for r in rows]):.3f}"
                 for m in methods]
        print(f"| {kind} ({len(rows)}) | " + " | ".join(cells) + " |")
    if {"default", "vca_fcls", "spa_fcls"} <= set(methods):
        worse = [(r["scene"], r["default"][0] - min(r["vca_fcls"][0], r["spa_fcls"][0]))
                 for r in results if not r["kind"].startswith("shared")]
        bad = [(s, d) for s, d in worse if d > 0.01]
        print(f"\nbank: default worse than the better of VCA+FCLS and SPA+FCLS by more than "
              f"0.01 rad on {len(bad)} of {len(worse)} scenes" +
              ("".join(f"\n  {s}: +{d:.3f}" for s, d in bad)))
    if "default" in methods:
        for r in results:
            if r["scene"] in SHARED_TARGETS:
                target = SHARED_TARGETS[r["scene"]]
                verdict = "meets" if r["default"][0] <= target else "MISSES"
                print(f"{r['scene']}: default {r['default'][0]:.3f} {verdict} the target {target}")


if __name__ == "__main__":
    sys.exit(main())
