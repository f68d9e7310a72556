#!/usr/bin/python3
"""Parts of images on Fashion-MNIST (60,000 training images of 28 x 28, k = 49):
seconds per iteration of gridnmf factorize with hals, bpp and the
sparseness-constrained algorithm (--sparseness-w 0.7) on 1 and 2 ranks,
against scikit-learn's NMF (solver 'cd') on the same cores; then the
sparseness table (mean Hoyer sparseness of the components and relative error
of NMF, NMF with S = 0.7 on W, and PCA from `gridnmf pca`) and the pictures
of `gridnmf images`. Time inside gridnmf (its /history), not process start-up;
scikit-learn's fit time over its iterations. Run on an otherwise idle machine.

    source scripts/mpi_env.sh
    /usr/bin/python3 bench/images_benchmark.py --gridnmf build/gridnmf --out /tmp/fashion_bench
"""
import argparse
import os
import subprocess
import sys
import time

import h5py
import numpy as np

FASHION = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"
RUNS = (("hals", ["--algorithm", "hals"]), ("bpp", ["--algorithm", "bpp"]),
        ("sparseness-w 0.7", ["--algorithm", "bpp", "--sparseness-w", "0.7"]))


def run(command, env=None):
    done = subprocess.run(command, capture_output=True, text=True, timeout=7200, env=env)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr}")
    return done.stdout


def hoyer(x):
    n = x.size
    norm = np.linalg.norm(x)
    return 0.0 if norm == 0 else (np.sqrt(n) - np.abs(x).sum() / norm) / (np.sqrt(n) - 1)


def seconds_per_iteration(result, warmup=2):
    with h5py.File(result) as f:
        seconds = f["history/seconds"][...]
    return float(np.median(np.diff(seconds)[warmup:]))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gridnmf", default="build/gridnmf")
    parser.add_argument("--mpiexec", default="mpiexec")
    parser.add_argument("--out", default="fashion_bench")
    parser.add_argument("--images", default=FASHION,
                        help="IDX image file (default: the 60,000 Fashion-MNIST training images)")
    parser.add_argument("--rank", type=int, default=49)
    parser.add_argument("--iterations", type=int, default=20, help="for the timings")
    parser.add_argument("--picture-iterations", type=int, default=200,
                        help="for the sparseness table and the pictures")
    args = parser.parse_args()
    if not os.path.exists(args.images):
        sys.exit(f"{args.images} is not installed (Debian package dataset-fashion-mnist)")
    os.makedirs(args.out, exist_ok=True)
    data = os.path.join(args.out, "fashion.h5")
    if not os.path.exists(data):
        run([args.mpiexec, "-n", "2", args.gridnmf, "convert", "--input", args.images, "--output",
             data])
    k = str(args.rank)

    with h5py.File(data) as f:
        rows, cols = f["V"].shape
    print(f"## Seconds per iteration, {rows} x {cols}, k = {k} "
          f"(median of iterations 3..{args.iterations})\n")
    print("| algorithm | 1 rank | 2 ranks |")
    print("|---|---:|---:|")
    one_rank = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    for name, options in RUNS:
        row = []
        for ranks in (1, 2):
            out = os.path.join(args.out, f"time_{ranks}.h5")
            run([args.mpiexec, "-n", str(ranks), "--bind-to", "core", args.gridnmf, "factorize",
                 "--input", data, "--rank", k, "--output", out, "--max-iter",
                 str(args.iterations), "--tol", "0", "--seed", "1", "--print-every", "0",
                 *options], env=one_rank)
            row.append(seconds_per_iteration(out))
        print(f"| gridnmf {name} | {row[0]:.3f} | {row[1]:.3f} |")

    # scikit-learn on the same 2 cores: its BLAS threads take both.
    sklearn = f"""
import time, h5py, numpy as np
from sklearn.decomposition import NMF
v = h5py.File({data!r})["V"][...].T.astype(np.float64)
model = NMF(n_components={k}, solver="cd", init="random", random_state=1, max_iter={args.iterations}, tol=0)
start = time.perf_counter(); model.fit(v); seconds = time.perf_counter() - start
print(seconds / model.n_iter_)
"""
    threads = dict(os.environ, OPENBLAS_NUM_THREADS="2", OMP_NUM_THREADS="2")
    per_iteration = float(run([sys.executable, "-c", sklearn], env=threads).strip())
    print(f"| scikit-learn NMF solver='cd' (2 BLAS threads) | {per_iteration:.3f} (2 cores) | |\n")

    print(f"## Sparseness of the components (k = {k}, {args.picture_iterations} iterations, 2 ranks)\n")
    print("| model | mean Hoyer sparseness of W columns | relative error | picture |")
    print("|---|---:|---:|---|")
    models = (("NMF (bpp)", "nmf", ["factorize", "--algorithm", "bpp"]),
              ("NMF, --sparseness-w 0.7", "nmf_sparse",
               ["factorize", "--algorithm", "bpp", "--sparseness-w", "0.7"]),
              ("PCA (gridnmf pca)", "pca", ["pca"]))
    for label, name, command in models:
        result = os.path.join(args.out, name + ".h5")
        extra = [] if command[0] == "pca" else ["--max-iter", str(args.picture_iterations),
                                                "--seed", "1", "--print-every", "0"]
        run([args.mpiexec, "-n", "2", args.gridnmf, *command, "--input", data, "--rank", k,
             "--output", result, *extra])
        picture = os.path.join(args.out, name + ".png")
        run([args.gridnmf, "images", "--result", result, "--output", picture, "--reconstruct", "10"])
        with h5py.File(result) as f:
            w = f["W"][...]
            error = float(f.attrs["relative_error"])
        sparseness = np.mean([hoyer(w[:, l]) for l in range(w.shape[1])])
        print(f"| {label} | {sparseness:.3f} | {error:.4f} | {picture} |")


if __name__ == "__main__":
    main()
