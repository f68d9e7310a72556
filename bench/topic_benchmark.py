#!/usr/bin/python3
"""gridnmf against scikit-learn on the real count matrices of
../shared/data/sparse, for the closing note of issue 12.

- KOS (6906 words x 3430 posts) at k = 20, KL: scikit-learn's
  NMF(beta_loss='kullback-leibler', solver='mu', init='random') runs 200
  iterations on the sparse matrix; its final KL divergence (recomputed here
  from its W and H) is the target. gridnmf (MU, KL, --init random) runs at
  --ranks ranks until its stored objective reaches the target; the figure is
  the loop seconds of /history/seconds at that iteration (start-up, reading
  and writing not counted; the whole command's wall time is printed too).
- Visium (19,465 genes x 2,898 spots) at k = 15, Frobenius on log1p counts:
  scikit-learn's solver='cd' (init='random', its default tol) against
  gridnmf --algorithm bpp --normalize log1p, target 0.5 ||V - WH||_F^2.

scikit-learn runs with --ranks BLAS/OpenMP threads (the same cores); both
models' mean NPMI of the top 10 words (gridnmf top --coherence) is printed.
Run it on a quiet machine (no builds, `uptime` load < 0.5):

    source scripts/mpi_env.sh
    /usr/bin/python3 bench/topic_benchmark.py --gridnmf build/gridnmf --ranks 2

Options: --data DIR (../shared/data/sparse), --workdir DIR (a temporary
folder), --sklearn-iterations N (200), --max-iter N (gridnmf's limit, 2000),
--only kos|visium."""
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


def sklearn_fit(v, k, iterations, threads, **nmf_options):
    os.environ["OPENBLAS_NUM_THREADS"] = os.environ["OMP_NUM_THREADS"] = str(threads)
    from sklearn.decomposition import NMF
    from threadpoolctl import threadpool_limits
    model = NMF(n_components=k, init="random", random_state=0, max_iter=iterations,
                **nmf_options)
    with threadpool_limits(limits=threads):
        start = time.perf_counter()
        w = model.fit_transform(v)
        seconds = time.perf_counter() - start
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
    reached = np.nonzero(objective <= target)[0]
    if len(reached) == 0:
        return None, len(objective), float(objective[-1])
    first = reached[0]
    return float(seconds[first]), int(first + 1), float(objective[first])


def compare(args, name, matrix, v, k, sklearn_options, gridnmf_options, objective_of):
    print(f"== {name}: {v.shape[0]} x {v.shape[1]}, {v.nnz} nonzeros, k = {k}")
    w, h, sk_seconds, sk_iterations = sklearn_fit(v, k, args.sklearn_iterations, args.ranks,
                                                  **sklearn_options)
    target = objective_of(v, w, h)
    print(f"scikit-learn {sklearn_options}: {sk_iterations} iterations in {sk_seconds:.2f} s "
          f"({args.ranks} threads), objective {target:.6e}")
    result = os.path.join(args.workdir, f"{name}_gridnmf.h5")
    start = time.perf_counter()
    gridnmf(args, args.ranks, "factorize", "--input", matrix, "--rank", k, "--init", "random",
            "--max-iter", args.max_iter, "--tol", 0, "--print-every", 0, "--output", result,
            *gridnmf_options)
    wall = time.perf_counter() - start
    seconds, iterations, objective = time_to_target(result, target)
    if seconds is None:
        print(f"gridnmf ({args.ranks} ranks): target not reached in {iterations} iterations "
              f"(final objective {objective:.6e}, {wall:.2f} s wall)")
    else:
        print(f"gridnmf ({args.ranks} ranks): objective {objective:.6e} <= target after "
              f"{iterations} iterations, {seconds:.2f} s in iterations "
              f"(whole {args.max_iter}-iteration command {wall:.2f} s wall); "
              f"speed-up {sk_seconds / seconds:.1f}x")
    with h5py.File(matrix) as f:
        names = [n.decode() for n in f["row_names"][:]] if "row_names" in f else None
    sk_model = os.path.join(args.workdir, f"{name}_sklearn.h5")
    write_model(sk_model, w, h, names or [str(i) for i in range(v.shape[0])])
    print(f"mean NPMI of the top 10 rows: gridnmf {mean_npmi(args, result, matrix):.4f}, "
          f"scikit-learn {mean_npmi(args, sk_model, matrix):.4f}")


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
