#!/usr/bin/python3
"""Issue 16, class 11: the relative error of a nearly exact fit. The Gram
identity loses every digit below about 1e-8 of ||V|| (1e-4 in float32);
there gridnmf recomputes the residual with a pass over V. An exactly
separable matrix factorized by SPA + BPP, and exactly factorizable sparse
matrices (the dense tile pass and the nonzeros + Gram path), report the error
numpy computes from the written factors, at 1 and 2 ranks, and --tol stops
on the exact objective."""
import os
import tempfile
import unittest

import h5py
import numpy as np
import scipy.sparse as sp

import harness
from checkpoint_helpers import run


def numpy_error(v, w, h):
    v = v.astype(np.float64)
    return np.linalg.norm(v - w.astype(np.float64) @ h.astype(np.float64)) / np.linalg.norm(v)


def write_sparse(path, matrix):
    stored = matrix.tocsr()
    with h5py.File(path, "w") as f:
        g = f.create_group("V")
        g["data"], g["indices"], g["indptr"] = stored.data, stored.indices, stored.indptr
        g.attrs["shape"] = np.array(stored.shape, np.int64)
        g.attrs["format"] = "csr"


class ExactResidual(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_residual_")
        rng = np.random.default_rng(11)
        m, n, k = 120, 150, 5
        w = rng.uniform(0.1, 1.0, (m, k))
        h = rng.dirichlet(np.ones(k), n).T
        h[:, :k] = np.eye(k)  # separable: the first k columns of V are W
        cls.separable = w @ h
        cls.dense = cls.path("separable.h5")
        with h5py.File(cls.dense, "w") as f:
            f["V"] = cls.separable

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.tmp.name, name)

    def result(self, out):
        with h5py.File(out, "r") as f:
            return (f["W"][...], f["H"][...], f.attrs["relative_error"],
                    f["history/relative_error"][...], int(f.attrs["iterations"]))

    def test_separable_dense_reports_the_true_error(self):
        for precision, floor, agreement in (("float64", 1e-13, 1e-15), ("float32", 1e-5, 1e-7)):
            for ranks in (1, 2):
                with self.subTest(precision=precision, ranks=ranks):
                    out = self.path(f"sep_{precision}_{ranks}.h5")
                    run(ranks, "factorize", "--input", self.dense, "--rank", 5, "--init", "spa",
                        "--algorithm", "bpp", "--max-iter", 3, "--tol", 0, "--precision",
                        precision, "--output", out, "--quiet")
                    w, h, error, _, _ = self.result(out)
                    truth = numpy_error(self.separable, w, h)
                    self.assertLess(truth, floor)
                    # The identity said 0 or ~1e-8 here; the pass agrees with numpy.
                    self.assertAlmostEqual(error, truth, delta=max(agreement, 0.05 * truth))

    def test_tol_decides_on_the_exact_objective(self):
        out = self.path("tol.h5")
        run(2, "factorize", "--input", self.dense, "--rank", 5, "--init", "spa", "--algorithm",
            "hals", "--max-iter", 400, "--tol", 1e-6, "--output", out, "--quiet")
        w, h, error, history, iterations = self.result(out)
        self.assertAlmostEqual(error, numpy_error(self.separable, w, h),
                               delta=1e-3 * error + 1e-15)
        # Every error below the identity's floor was computed exactly, so the
        # history never shows the identity's clamped 0.
        self.assertTrue(np.all(history > 0), history)

    def test_exact_sparse_fits(self):
        # Block-diagonal sparse V = W H with one nonzero per row of W and per
        # column of H: density 1/k. k = 5 takes the dense tile pass (density
        # >= 1/64), k = 80 the nonzeros + Gram path.
        for k, m, n in ((5, 100, 80), (80, 400, 320)):
            rng = np.random.default_rng(k)
            rows, cols = np.arange(m) % k, np.arange(n) % k
            w = sp.csr_matrix((rng.uniform(0.5, 1.0, m), (np.arange(m), rows)), shape=(m, k))
            h = sp.csr_matrix((rng.uniform(0.5, 1.0, n), (cols, np.arange(n))), shape=(k, n))
            v = (w @ h).tocsr()
            path = self.path(f"sparse_{k}.h5")
            write_sparse(path, v)
            for ranks in (1, 2):
                with self.subTest(k=k, ranks=ranks):
                    out = self.path(f"sparse_{k}_{ranks}.h5")
                    run(ranks, "factorize", "--input", path, "--rank", k, "--algorithm", "bpp",
                        "--max-iter", 60, "--tol", 0, "--output", out, "--quiet")
                    w_out, h_out, error, _, _ = self.result(out)
                    truth = numpy_error(v.toarray(), w_out, h_out)
                    if k == 5:
                        self.assertAlmostEqual(error, truth, delta=max(1e-15, 0.05 * truth))
                    else:
                        # Zeros' part from ||WH||^2 - sum over nonzeros: floor about
                        # sqrt(k eps) of ||V||.
                        self.assertAlmostEqual(error, truth, delta=max(1e-6, 0.05 * truth))


if __name__ == "__main__":
    harness.main()
