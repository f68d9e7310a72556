#!/usr/bin/python3
"""How fast HALS gets going from each start (--init random, nndsvd, nndsvda,
spa): iterations and seconds until the relative error first reaches a
target, and the time the start itself takes (the init_seconds the program
stores), also expressed in HALS iterations of the same run.

Problems: a noiseless rank-32 4000 x 4000 matrix made by `gridnmf generate`
(cached in --workdir) and the Samson scene (k = 3) from ../shared/data when
present. Each run's history is read from its output file.

    source scripts/mpi_env.sh
    /usr/bin/python3 bench/init_benchmark.py --gridnmf build/gridnmf --ranks 2

Target: --target E for an absolute relative error; by default 1.01 times the
lowest final error any start reached on that problem within --max-iter
iterations ("within 1% of the best"), since what a start buys is time to the
error that the problem allows."""
import argparse
import os
import subprocess
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "..", "..", "shared", "data")


def gridnmf(args, ranks, *command):
    full = [args.mpiexec, "-n", str(ranks), "--oversubscribe", args.gridnmf, *map(str, command)]
    done = subprocess.run(full, capture_output=True, text=True)
    return done


def synthetic_problem(args):
    path = os.path.join(args.workdir, "init_bench_4000x4000_k32.h5")
    if not os.path.exists(path):
        done = gridnmf(args, args.ranks, "generate", "--rows", 4000, "--cols", 4000, "--rank", 32,
                       "--noise", 0, "--seed", 1, "--output", path)
        if done.returncode != 0:
            sys.exit("generate failed:\n" + done.stderr)
    return ("noiseless 4000x4000 k=32", path, 32)


def first_message(stderr):
    """The line that says what went wrong (Open MPI frames its own in dashes)."""
    lines = [l.strip() for l in stderr.splitlines() if l.strip() and not l.startswith("---")]
    return lines[0] if lines else "no message"


def run_start(args, name, path, k, init):
    out = os.path.join(args.workdir, f"init_bench_{os.getpid()}.h5")
    done = gridnmf(args, args.ranks, "factorize", "--input", path, "--rank", k, "--algorithm",
                   "hals", "--init", init, "--max-iter", args.max_iter, "--tol", 0,
                   "--print-every", 0, "--output", out)
    if done.returncode != 0:
        print(f"  {name} / {init}: skipped ({first_message(done.stderr)})", file=sys.stderr)
        return None
    with h5py.File(out, "r") as f:
        record = {"error": f["history/relative_error"][...], "seconds": f["history/seconds"][...],
                  "init_seconds": float(f.attrs["init_seconds"])}
    os.remove(out)
    return record


def first_reaching(record, target):
    hits = np.nonzero(record["error"] <= target)[0]
    if hits.size == 0:
        return None, None
    return int(hits[0]) + 1, float(record["seconds"][hits[0]])


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gridnmf", default=os.path.join(HERE, "..", "build", "gridnmf"))
    parser.add_argument("--mpiexec", default="mpiexec")
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--max-iter", type=int, default=300)
    parser.add_argument("--target", type=float, default=None)
    parser.add_argument("--inits", default="random,nndsvd,nndsvda,spa")
    parser.add_argument("--data", default=DEFAULT_DATA, help="folder holding samson.h5")
    parser.add_argument("--workdir", default="/tmp")
    parser.add_argument("--problems", default="synthetic,samson")
    args = parser.parse_args()

    problems = []
    if "synthetic" in args.problems:
        problems.append(synthetic_problem(args))
    samson = os.path.join(args.data, "samson.h5")
    if "samson" in args.problems:
        if os.path.exists(samson):
            problems.append(("samson 156x9025 k=3", samson, 3))
        else:
            print(f"samson skipped: {samson} not found", file=sys.stderr)

    header = (f"{'problem':<26} {'init':<9} {'target':>9} {'iters':>6} {'seconds':>8} "
              f"{'init s':>8} {'init/iter':>9} {'final err':>10}")
    print(f"HALS on {args.ranks} ranks, up to {args.max_iter} iterations; "
          "init/iter = init time in HALS iterations of the same run")
    print(header)
    print("-" * len(header))
    for name, path, k in problems:
        records = {init: run_start(args, name, path, k, init) for init in args.inits.split(",")}
        records = {init: r for init, r in records.items() if r is not None}
        if not records:
            sys.exit(f"{name}: every start failed (as root, source scripts/mpi_env.sh first)")
        best = min(float(r["error"][-1]) for r in records.values())
        target = args.target if args.target is not None else 1.01 * best
        for init, r in records.items():
            iterations, seconds = first_reaching(r, target)
            per_iteration = float(np.median(np.diff(np.concatenate([[0.0], r["seconds"]]))))
            print(f"{name:<26} {init:<9} {target:>9.3e} "
                  f"{iterations if iterations else '-':>6} "
                  f"{seconds if seconds is not None else float('nan'):>8.2f} "
                  f"{r['init_seconds']:>8.3f} {r['init_seconds'] / per_iteration:>9.1f} "
                  f"{r['error'][-1]:>10.3e}")


if __name__ == "__main__":
    main()
