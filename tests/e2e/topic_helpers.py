"""What the topic-model end-to-end tests share: running gridnmf, writing the
sparse layout, small count matrices and the numpy formulas of --normalize."""
import subprocess

import h5py
import numpy as np
import scipy.sparse as sp

from harness import Paths

TIME_LIMIT = 120


def command(ranks, args):
    return [Paths.mpiexec, "-n", str(ranks), "--oversubscribe", Paths.gridnmf,
            *map(str, args)]


def run(ranks, args, timeout=TIME_LIMIT):
    return subprocess.run(command(ranks, args), capture_output=True, text=True,
                          timeout=timeout)


def write_sparse(path, matrix, names=None):
    """A CSR group V in the layout scipy users (and gridnmf convert) write."""
    stored = sp.csr_matrix(matrix)
    with h5py.File(path, "w") as f:
        group = f.create_group("V")
        group["data"] = stored.data
        group["indices"] = stored.indices.astype(np.int64)
        group["indptr"] = stored.indptr.astype(np.int64)
        group.attrs["shape"] = np.array(stored.shape, dtype=np.int64)
        group.attrs["format"] = "csr"
        if names:
            f["row_names"] = np.array(names[0], dtype=h5py.string_dtype())
            f["col_names"] = np.array(names[1], dtype=h5py.string_dtype())


def write_dense(path, matrix, names=None):
    with h5py.File(path, "w") as f:
        f["V"] = np.asarray(matrix, dtype=np.float64)
        if names:
            f["row_names"] = np.array(names[0], dtype=h5py.string_dtype())
            f["col_names"] = np.array(names[1], dtype=h5py.string_dtype())


def count_matrix(rows, cols, density, seed):
    """Counts with an all-zero row, a row present in every column (idf 0)
    and a column holding only that row (all zero after tfidf), as real
    corpora have."""
    rng = np.random.default_rng(seed)
    dense = rng.poisson(3.0, (rows, cols)) * (rng.random((rows, cols)) < density)
    dense = dense.astype(np.float64)
    dense[rows // 3, :] = 0
    dense[:, cols // 2] = 0
    dense[rows - 1, :] = 1 + np.arange(cols) % 3
    return dense


def idf(v):
    """log(n / df_i), 0 for a row without nonzeros."""
    df = (v != 0).sum(axis=1).astype(np.float64)
    with np.errstate(divide="ignore"):
        return np.where(df > 0, np.log(v.shape[1] / np.maximum(df, 1)), 0.0)


def normalized(v, kind):
    """The formulas of README "Normalisation", in numpy."""
    if kind == "none":
        return v.copy()
    if kind == "log1p":
        return np.log1p(v)
    if kind == "l1-columns":
        sums = v.sum(axis=0)
        return v / np.where(sums > 0, sums, 1.0)
    if kind == "tfidf":
        return v * idf(v)[:, None]
    raise ValueError(kind)


def factors(path):
    with h5py.File(path) as f:
        return f["W"][:], f["H"][:]
