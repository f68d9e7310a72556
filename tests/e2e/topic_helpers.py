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


def write_model(path, w, h=None, names=None, loss="frobenius", normalize="none"):
    """A file with the layout of a gridnmf result, enough for top and transform."""
    with h5py.File(path, "w") as f:
        f["W"] = w
        if h is not None:
            f["H"] = h
        if names:
            f["row_names"] = np.array(names, dtype=h5py.string_dtype())
        f.attrs["loss"] = loss
        f.attrs["normalize"] = normalize


def planted_factors(rows=30, k=4, cols=40, seed=1):
    """W whose component l owns rows 5l .. 5l+4 with weights 10, 8, 6, 4, 2
    (its planted top rows, in order) over a floor of small shared weights,
    every column of W summing to the same value, and H whose row sums give
    the components shares 0.4, 0.3, 0.2, 0.1."""
    rng = np.random.default_rng(seed)
    w = 0.01 + 0.01 * rng.random((rows, k))
    for l in range(k):
        w[5 * l:5 * l + 5, l] = [10, 8, 6, 4, 2]
    w /= w.sum(axis=0)
    h = 0.2 + rng.random((k, cols))
    h *= (np.array([4.0, 3.0, 2.0, 1.0])[:k] * cols / h.sum(axis=1))[:, None]
    return w, h


def parse_top_table(text):
    """The component lines of `gridnmf top`: (component, share, npmi or None,
    [(name, weight)])."""
    lines = text.splitlines()
    header = lines[0]
    with_npmi = "npmi" in header
    parsed = []
    for line in lines[1:]:
        if not line.strip() or line.startswith("mean NPMI") or line.startswith("wrote"):
            continue
        fields = line.split(None, 3 if with_npmi else 2)
        component, share = int(fields[0]), float(fields[1])
        npmi = float(fields[2]) if with_npmi else None
        rows = []
        for item in fields[-1].split(", "):
            name, weight = item.rsplit(" (", 1)
            rows.append((name, float(weight.rstrip(")"))))
        parsed.append((component, share, npmi, rows))
    return parsed


def npmi_direct(v, top_rows):
    """Mean NPMI of each component's rows from document co-occurrence in the
    columns of v, with the conventions of README "top": -1 for a pair that
    never occurs together, 1 for one present in every column."""
    present = np.asarray(v) != 0
    n = present.shape[1]
    scores = []
    for rows in top_rows:
        values = []
        for a in range(len(rows)):
            for b in range(a + 1, len(rows)):
                both = np.sum(present[rows[a]] & present[rows[b]])
                if both == 0:
                    values.append(-1.0)
                elif both == n:
                    values.append(1.0)
                else:
                    pa, pb, pab = present[rows[a]].sum() / n, present[rows[b]].sum() / n, both / n
                    values.append(np.log(pab / (pa * pb)) / -np.log(pab))
        scores.append(np.mean(values))
    return scores
