#!/usr/bin/python3
"""Writes a random sparse matrix in gridnmf's sparse HDF5 layout (group V:
data, indices, indptr, attributes shape and format = csr) without ever
forming it dense: uniform positions, uniform values in (0, 1], duplicates
summed by gridnmf on read. Used by the sparse benchmark and the scale test.

  sparse_matrix.py OUTPUT ROWS COLS NONZEROS [--seed S]"""
import argparse

import h5py
import numpy as np


def write_random_csr(path, rows, cols, nonzeros, seed=1):
    rng = np.random.default_rng(seed)
    row = rng.integers(0, rows, nonzeros, dtype=np.int64)
    order = np.argsort(row, kind="stable")
    row = row[order]
    col = rng.integers(0, cols, nonzeros, dtype=np.int64)[order]
    del order
    indptr = np.zeros(rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=rows), out=indptr[1:])
    del row
    with h5py.File(path, "w") as f:
        group = f.create_group("V")
        group["data"] = 1.0 - rng.random(nonzeros)
        group["indices"] = col.astype(np.int32 if cols < 2**31 else np.int64)
        group["indptr"] = indptr
        group.attrs["shape"] = np.array([rows, cols], dtype=np.int64)
        group.attrs["format"] = "csr"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("rows", type=int)
    parser.add_argument("cols", type=int)
    parser.add_argument("nonzeros", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    write_random_csr(args.output, args.rows, args.cols, args.nonzeros, args.seed)


if __name__ == "__main__":
    main()
