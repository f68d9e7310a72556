#!/usr/bin/python3
"""Which update rule reaches a given error fastest: runs gridnmf factorize
with mu, hals and bpp (Frobenius loss, same random start, --tol 0) on
generated problems and on scene files, reads /history (seconds,
relative_error) and prints, per problem, the seconds each rule needs to come
within 1% and 0.1% of the best final error any rule reached (">" when it
never does within --max-iter). Time inside gridnmf, not process start-up.

    source scripts/mpi_env.sh
    /usr/bin/python3 bench/default_algorithm.py --gridnmf build/gridnmf --ranks 2 [SCENE.h5:K ...]
"""
import argparse
import os
import subprocess
import tempfile

import h5py
import numpy as np

RULES = ("mu", "hals", "bpp")


def run(command):
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=1800)


def history(gridnmf, mpiexec, ranks, source, k, rule, iterations, out):
    run([mpiexec, "-n", str(ranks), gridnmf, "factorize", "--input", source, "--rank", str(k),
         "--algorithm", rule, "--max-iter", str(iterations), "--tol", "0", "--seed", "1",
         "--print-every", "0", "--output", out])
    with h5py.File(out, "r") as f:
        return f["history/seconds"][...], f["history/relative_error"][...]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gridnmf", default="build/gridnmf")
    parser.add_argument("--mpiexec", default="mpiexec")
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("scenes", nargs="*", help="FILE.h5:K")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        problems = []
        for rows, cols, k, noise in ((2000, 1500, 16, 0.05), (4000, 3000, 32, 0.01)):
            path = os.path.join(work, f"g{rows}.h5")
            run([args.mpiexec, "-n", str(args.ranks), args.gridnmf, "generate", "--rows", str(rows),
                 "--cols", str(cols), "--rank", str(k), "--noise", str(noise), "--output", path])
            problems.append((f"generated {rows} x {cols}, k {k}, noise {noise}", path, k))
        for scene in args.scenes:
            path, k = scene.rsplit(":", 1)
            problems.append((os.path.basename(path) + f", k {k}", path, int(k)))
        print("| problem | target | " + " | ".join(f"{r} s" for r in RULES) + " |")
        print("|---|---|" + "---:|" * len(RULES))
        for name, path, k in problems:
            curves = {rule: history(args.gridnmf, args.mpiexec, args.ranks, path, k, rule,
                                    args.iterations, os.path.join(work, f"{rule}.h5"))
                      for rule in RULES}
            best = min(float(np.min(e)) for _, e in curves.values())
            for slack in (1.01, 1.001):
                target = best * slack
                cells = []
                for rule in RULES:
                    seconds, errors = curves[rule]
                    reached = np.nonzero(errors <= target)[0]
                    cells.append(f"{seconds[reached[0]]:.3f}" if reached.size
                                 else f"> {seconds[-1]:.3f}")
                print(f"| {name} | {target:.5f} (best +{(slack - 1) * 100:.1f}%) | "
                      + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
