#!/usr/bin/python3
"""Prints what a gridnmf result file holds, and compares its error with the
error of the true factors when the input came from `gridnmf generate`."""
import sys

import h5py
import numpy as np


def main(result_path, problem_path=None):
    with h5py.File(result_path, "r") as f:
        a = f.attrs
        print(f"\n{result_path}: W {f['W'].shape}, H {f['H'].shape} ({f['W'].dtype})")
        for name in ("algorithm", "grid", "iterations", "stop_reason", "relative_error",
                     "objective", "elapsed_seconds", "gridnmf_version"):
            print(f"  {name:16s} {a[name]}")
        if problem_path:
            with h5py.File(problem_path, "r") as p:
                if "W_true" in p:
                    v = p["V"][...]
                    floor = np.linalg.norm(v - p["W_true"][...] @ p["H_true"][...]) / np.linalg.norm(v)
                    print(f"  {'true factors':16s} relative error {floor:.6e} (the noise floor)")


if __name__ == "__main__":
    main(*sys.argv[1:3])
