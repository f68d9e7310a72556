#!/usr/bin/python3
"""The two benchmarks of masked NMF and the rank sweep (run them on a quiet
machine; nothing here runs in CI):

  sweep    a `select-rank` sweep k = 2..20 with R = 5 replicates against the
           R x (number of ks) separate `factorize` runs it replaces (same
           options, held-out masks and seeds), wall-clock seconds of each,
           on one generated dense matrix (default 6000 x 6000 at 2 ranks).
  per-iter seconds per iteration of masked MU (--holdout F) against
           unmasked MU on the same dense matrix, from /history/seconds of
           the result files (the loop time, without start-up and I/O).

  /usr/bin/python3 bench/masked_benchmark.py --gridnmf build/gridnmf --work /tmp/bench \\
      [--what sweep,per-iter] [--rows 6000 --cols 6000] [--ranks-per-job 2] \\
      [--ks 2:20] [--replicates 5] [--max-iter 200] [--holdout 0.05] [--mu-iterations 30]

Prints a small table per benchmark; writes only under --work.
"""
import argparse
import os
import subprocess
import sys
import time

import h5py


def gridnmf(args, *options):
    command = ["mpiexec", "-n", str(args.ranks_per_job), args.gridnmf, *map(str, options)]
    start = time.monotonic()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - start


def ks_of(text):
    parts = [int(p) for p in text.split(":")]
    first, last, step = parts[0], parts[1] if len(parts) > 1 else parts[0], parts[2] if len(parts) > 2 else 1
    return list(range(first, last + 1, step))


def sweep(args, data):
    common = ["--max-iter", args.max_iter, "--holdout", args.holdout, "--quiet"]
    table = os.path.join(args.work, "sweep.h5")
    sweep_dir = os.path.join(args.work, "sweep.sweep")
    subprocess.run(["rm", "-rf", sweep_dir, table], check=True)
    sweep_seconds = gridnmf(args, "select-rank", "--input", data, "--ranks", args.ks,
                            "--replicates", args.replicates, "--output", table,
                            "--sweep-dir", sweep_dir, *common)
    separate_seconds = 0.0
    for k in ks_of(args.ks):
        for r in range(args.replicates):
            # The cell's own seeds: start seed 1 + r, mask seed 1 + r (select-rank's defaults).
            separate_seconds += gridnmf(args, "factorize", "--input", data, "--rank", k,
                                        "--algorithm", "bpp", "--tol", 1e-5, "--seed", 1 + r,
                                        "--holdout-seed", 1 + r,
                                        "--output", os.path.join(args.work, "one.h5"), *common)
    cells = len(ks_of(args.ks)) * args.replicates
    print(f"sweep k = {args.ks}, R = {args.replicates} ({cells} cells), {args.rows} x {args.cols}, "
          f"{args.ranks_per_job} ranks")
    print(f"  select-rank (V read once):       {sweep_seconds:10.1f} s")
    print(f"  {cells} separate factorize runs:  {separate_seconds:10.1f} s  "
          f"(ratio {separate_seconds / sweep_seconds:.2f})")


def seconds_per_iteration(path):
    with h5py.File(path, "r") as f:
        seconds = f["history/seconds"][()]
        iterations = f["history/iteration"][()]
    # The first record carries warm-up; the median step of the rest, per
    # iteration (dense KL records iteration 1 and every tenth).
    steps = sorted((seconds[i] - seconds[i - 1]) / (iterations[i] - iterations[i - 1])
                   for i in range(2, len(seconds)))
    return steps[len(steps) // 2]


def per_iteration(args, data):
    out = os.path.join(args.work, "mu.h5")
    rows = []
    for label, extra in (("unmasked MU", ()), (f"masked MU, --holdout {args.holdout}",
                                               ("--holdout", args.holdout)),
                         ("unmasked KL MU", ("--loss", "kl")),
                         (f"masked KL MU, --holdout {args.holdout}",
                          ("--loss", "kl", "--holdout", args.holdout)),
                         ("unmasked BPP", ("--algorithm", "bpp")),
                         (f"imputed BPP, --holdout {args.holdout}",
                          ("--algorithm", "bpp", "--holdout", args.holdout))):
        options = ["--algorithm", "mu", *extra] if "--algorithm" not in extra else list(extra)
        gridnmf(args, "factorize", "--input", data, "--rank", args.rank, "--max-iter",
                args.mu_iterations, "--tol", 0, "--output", out, "--quiet", *options)
        rows.append((label, seconds_per_iteration(out)))
    print(f"seconds per iteration, {args.rows} x {args.cols}, k = {args.rank}, "
          f"{args.ranks_per_job} ranks")
    base = {"MU": rows[0][1], "KL": rows[2][1], "BPP": rows[4][1]}
    for label, seconds in rows:
        key = "KL" if "KL" in label else "BPP" if "BPP" in label else "MU"
        print(f"  {label:34s} {seconds:9.4f} s  ({seconds / base[key]:.2f} x unmasked)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gridnmf", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--what", default="sweep,per-iter")
    parser.add_argument("--rows", type=int, default=6000)
    parser.add_argument("--cols", type=int, default=6000)
    parser.add_argument("--ranks-per-job", type=int, default=2)
    parser.add_argument("--ks", default="2:20")
    parser.add_argument("--replicates", type=int, default=5)
    parser.add_argument("--max-iter", type=int, default=200)
    parser.add_argument("--holdout", type=float, default=0.05)
    parser.add_argument("--rank", type=int, default=32, help="k of the per-iteration benchmark")
    parser.add_argument("--mu-iterations", type=int, default=30)
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    data = os.path.join(args.work, f"v_{args.rows}x{args.cols}.h5")
    if not os.path.exists(data):
        gridnmf(args, "generate", "--rows", args.rows, "--cols", args.cols, "--rank", 10,
                "--noise", 0.05, "--seed", 1, "--output", data)
    if "sweep" in args.what:
        sweep(args, data)
    if "per-iter" in args.what:
        per_iteration(args, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
