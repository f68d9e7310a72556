#!/usr/bin/python3
"""gridnmf against scikit-learn on the real count matrices of
../shared/data/sparse, for the closing note of issue 12.

- KOS (6906 words x 3430 posts) at k = 20, KL: scikit-learn's
  NMF(beta_loss='kullback-leibler', solver='mu') runs 200 iterations on the
  sparse matrix; its final KL divergence (recomputed here from its W and H)
  is the target. gridnmf (MU, KL) runs at --ranks ranks until its stored
  objective reaches the target; the figure is the loop seconds of
  /history/seconds at that iteration (start-up, reading and writing not
  counted; the whole command's wall time is printed too).
- Visium (19,465 genes x 2,898 spots) at k = 15, Frobenius on log1p counts:
  scikit-learn's solver='cd' (its default tol) against
  gridnmf --algorithm bpp --normalize log1p, target 0.5 ||V - WH||_F^2.

Both start from the same W, H (--init same: scikit-learn's random start drawn
here and given to both; or random / nndsvda, each program's own) for each of
--seeds seeds; scikit-learn runs with --ranks BLAS/OpenMP threads (the same
cores). For each seed, gridnmf is run again up to the first iteration that
reached scikit-learn's objective, and the mean NPMI of the top 10 words
(gridnmf top --coherence) of both models at that same objective is printed,
then the median speed-up and the NPMI mean and spread over the seeds.
Run it on a quiet machine (no builds, `uptime` load < 0.5):

    source scripts/mpi_env.sh
    /usr/bin/python3 bench/topic_benchmark.py --gridnmf build/gridnmf --ranks 2

Options: --data DIR (../shared/data/sparse), --workdir DIR (a temporary
folder), --sklearn-iterations N (200), --max-iter N (gridnmf's limit, 2000),
--only kos|visium, --init same|random|nndsvda|nndsvd (same), --seeds S (3)."""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np
import scipy.sparse as sp

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "..", "..", "shared", "data", "sparse")


def gridnmf(args, ranks, *command):
    full = [args.mpiexec, "-n", str(ranks), "--oversubscribe", args.gridnmf, *map(str, command)]
    done = subprocess.run(full, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(full)}\n{done.stderr}")
    return done


def read_csr(path, group="V"):
    with h5py.File(path) as f:
        g = f[group]
        return sp.csr_matrix((g["data"][:].astype(np.float64), g["indices"][:], g["indptr"][:]),
                             shape=tuple(g.attrs["shape"]))


def kl_divergence(v, w, h):
    coo = v.tocoo()
    wh = np.maximum(np.einsum("ij,ij->i", w[coo.row], h[:, coo.col].T), 1e-16)
    return float(np.sum(coo.data * np.log(coo.data / wh)) - coo.data.sum()
                 + w.sum(axis=0) @ h.sum(axis=1))


def half_squared_error(v, w, h):
    # ||V||^2 - 2 <V, WH> + <W^T W, H H^T>, without forming W H.
    coo = v.tocoo()
    cross = np.sum(coo.data * np.einsum("ij,ij->i", w[coo.row], h[:, coo.col].T))
    return 0.5 * float(v.multiply(v).sum() - 2 * cross + np.sum((w.T @ w) * (h @ h.T)))


def shared_start(v, k, seed, path):
    """scikit-learn's random start (|N(0, 1)| times sqrt(mean(V) / k)), drawn
    here and written for gridnmf's --init file:, so both begin at the same W, H."""
    rng = np.random.default_rng(seed)
    scale = np.sqrt(v.sum() / (v.shape[0] * v.shape[1]) / k)
    w = scale * np.abs(rng.standard_normal((v.shape[0], k)))
    h = scale * np.abs(rng.standard_normal((k, v.shape[1])))
    with h5py.File(path, "w") as f:
        f["W"], f["H"] = w, h
    return w, h


def sklearn_fit(v, k, iterations, threads, init, seed, start=None, **nmf_options):
    os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = str(threads)
    from sklearn.decomposition import NMF
    from threadpoolctl import threadpool_limits
    model = NMF(n_components=k, init="custom" if start else init, random_state=seed,
                max_iter=iterations, **nmf_options)
    with threadpool_limits(limits=threads):
        begin = time.perf_counter()
        if start:
            w = model.fit_transform(v, W=start[0].copy(), H=start[1].copy())
        else:
            w = model.fit_transform(v)
        seconds = time.perf_counter() - begin
    return w, model.components_, seconds, model.n_iter_


def write_model(path, w, h, names):
    with h5py.File(path, "w") as f:
        f["W"], f["H"] = w, h
        f["row_names"] = np.array(names, dtype=h5py.string_dtype())
        f.attrs["loss"] = "frobenius"


def mean_npmi(args, result, matrix):
    out = os.path.join(args.workdir, "npmi.json")
    gridnmf(args, args.ranks, "top", "--result", result, "--n", 10, "--coherence", "--input",
            matrix, "--json", out, "--quiet")
    with open(out) as f:
        return json.load(f)["mean_npmi"]


def time_to_target(result, target):
    with h5py.File(result) as f:
        objective = f["history/objective"][:]
        seconds = f["history/seconds"][:]
        iterations = f["history/iteration"][:]
    reached = np.nonzero(objective <= target)[0]
    if len(reached) == 0:
        return None, int(iterations[-1]), float(objective[-1])
    first = reached[0]
    return float(seconds[first]), int(iterations[first]), float(objective[first])


def compare(args, name, matrix, v, k, sklearn_options, gridnmf_options, objective_of):
    """For each seed: scikit-learn's model, gridnmf's time to its objective, and
    the NPMI of both models at the same objective (gridnmf stopped at the
    first iteration that reached scikit-learn's)."""
    print(f"== {name}: {v.shape[0]} x {v.shape[1]}, {v.nnz} nonzeros, k = {k}, "
          f"init {args.init}, seeds 0..{args.seeds - 1}")
    with h5py.File(matrix) as f:
        names = [n.decode() for n in f["row_names"][:]] if "row_names" in f else None
    speedups, ours, theirs = [], [], []
    for seed in range(args.seeds):
        start_file = os.path.join(args.workdir, f"{name}_start.h5")
        start = shared_start(v, k, seed, start_file) if args.init == "same" else None
        w, h, sk_seconds, sk_iterations = sklearn_fit(v, k, args.sklearn_iterations, args.ranks,
                                                      args.init, seed, start, **sklearn_options)
        target = objective_of(v, w, h)
        print(f"seed {seed}: scikit-learn {sklearn_options}: {sk_iterations} iterations in "
              f"{sk_seconds:.2f} s ({args.ranks} threads), objective {target:.6e}")
        result = os.path.join(args.workdir, f"{name}_gridnmf.h5")
        init = f"file:{start_file}" if start else args.init
        common = ["--input", matrix, "--rank", k, "--init", init, "--seed", seed, "--tol", 0,
                  "--print-every", 0, *gridnmf_options]
        began = time.perf_counter()
        gridnmf(args, args.ranks, "factorize", *common, "--max-iter", args.max_iter,
                "--output", result)
        wall = time.perf_counter() - began
        seconds, iterations, objective = time_to_target(result, target)
        if seconds is None:
            print(f"  gridnmf ({args.ranks} ranks): target not reached in {iterations} "
                  f"iterations (final objective {objective:.6e}, {wall:.2f} s wall)")
            continue
        speedups.append(sk_seconds / seconds)
        print(f"  gridnmf ({args.ranks} ranks): objective {objective:.6e} <= target after "
              f"{iterations} iterations, {seconds:.2f} s in iterations (whole "
              f"{args.max_iter}-iteration command {wall:.2f} s wall); speed-up "
              f"{speedups[-1]:.1f}x")
        # The model at the matched objective, the one NPMI should compare.
        gridnmf(args, args.ranks, "factorize", *common, "--max-iter", iterations,
                "--output", result)
        sk_model = os.path.join(args.workdir, f"{name}_sklearn.h5")
        write_model(sk_model, w, h, names or [str(i) for i in range(v.shape[0])])
        ours.append(mean_npmi(args, result, matrix))
        theirs.append(mean_npmi(args, sk_model, matrix))
        print(f"  mean NPMI of the top 10 rows at the same objective: gridnmf {ours[-1]:.4f}, "
              f"scikit-learn {theirs[-1]:.4f}")
    if speedups:
        print(f"{name}: median speed-up {np.median(speedups):.1f}x over {len(speedups)} seeds; "
              f"mean NPMI over seeds gridnmf {np.mean(ours):.4f} (sd {np.std(ours):.4f}), "
              f"scikit-learn {np.mean(theirs):.4f} (sd {np.std(theirs):.4f})")


def kos(args):
    matrix = os.path.join(args.workdir, "kos.h5")
    if not os.path.exists(matrix):
        gridnmf(args, 1, "convert", "--input", os.path.join(args.data, "kos_docword.kos.txt.gz"),
                "--row-names", os.path.join(args.data, "kos_vocab.kos.txt"), "--output", matrix)
    compare(args, "kos", matrix, read_csr(matrix), 20,
            {"beta_loss": "kullback-leibler", "solver": "mu", "tol": 0},
            ["--loss", "kl"], kl_divergence)


def visium(args):
    # The same log1p counts for both, as a scipy CSR file gridnmf reads as is.
    source = os.path.join(args.data, "visium_placenta_filtered_feature_bc_matrix.h5")
    with h5py.File(source) as f:
        g = f["matrix"]
        shape = tuple(g["shape"][:])
        v = sp.csc_matrix((g["data"][:].astype(np.float64), g["indices"][:], g["indptr"][:]),
                          shape=shape).tocsr()
        names = [n.decode() for n in g["features/name"][:]]
    v.data = np.log1p(v.data)
    matrix = os.path.join(args.workdir, "visium_log1p.h5")
    with h5py.File(matrix, "w") as f:
        g = f.create_group("V")
        g["data"], g["indices"], g["indptr"] = v.data, v.indices.astype(np.int64), v.indptr
        g.attrs["shape"] = np.array(v.shape, dtype=np.int64)
        g.attrs["format"] = "csr"
        f["row_names"] = np.array(names, dtype=h5py.string_dtype())
    compare(args, "visium", matrix, v, 15, {"solver": "cd"}, ["--algorithm", "bpp"],
            half_squared_error)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gridnmf", default=os.path.join(HERE, "..", "build", "gridnmf"))
    parser.add_argument("--mpiexec", default="mpiexec")
    parser.add_argument("--ranks", type=int, default=2)
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--workdir")
    parser.add_argument("--sklearn-iterations", type=int, default=200)
    parser.add_argument("--max-iter", type=int, default=2000)
    parser.add_argument("--only", choices=["kos", "visium"])
    parser.add_argument("--init", default="same", choices=["same", "random", "nndsvda", "nndsvd"])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    if not os.path.isdir(args.data):
        sys.exit(f"skipped: the real data folder {args.data} is absent")
    with tempfile.TemporaryDirectory(prefix="gridnmf_topic_bench_") as tmp:
        args.workdir = args.workdir or tmp
        os.makedirs(args.workdir, exist_ok=True)
        if args.only in (None, "kos"):
            kos(args)
        if args.only in (None, "visium"):
            visium(args)


if __name__ == "__main__":
    main()
