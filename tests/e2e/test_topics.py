#!/usr/bin/python3
"""Topic models and gene programs end to end, on small matrices: every
--normalize equals its numpy formula (dense and sparse input, 1 and 3
ranks); `top` returns the planted top rows in order and its JSON equals its
table; NPMI coherence equals a direct computation; `transform` and
`factorize --fix-w` solve H for a fixed W; the progress lines say what the
loss means."""
import json
import os
import tempfile
import unittest

import h5py
import numpy as np

import harness
import topic_helpers as th


class Normalization(unittest.TestCase):
    """factorize --normalize X on the raw matrix gives the factors of the
    matrix numpy normalised, and the stored objective is the one of the
    numpy-normalised matrix. BPP from a file start is an exact function of V."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_normalize_")
        cls.v = th.count_matrix(23, 17, 0.4, 11)
        cls.dense = cls.path("raw_dense.h5")
        cls.sparse = cls.path("raw_sparse.h5")
        th.write_dense(cls.dense, cls.v)
        th.write_sparse(cls.sparse, cls.v)
        rng = np.random.default_rng(2)
        cls.start = cls.path("start.h5")
        with h5py.File(cls.start, "w") as f:
            f["W"] = rng.random((23, 3)) + 0.1
            f["H"] = rng.random((3, 17)) + 0.1

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.tmp.name, name)

    def factorize(self, ranks, source, out, *extra):
        done = th.run(ranks, ["factorize", "--input", source, "--rank", 3, "--algorithm", "bpp",
                              "--max-iter", 2, "--tol", 0, "--init", "file:" + self.start,
                              "--print-every", 0, "--output", out, *extra])
        self.assertEqual(done.returncode, 0, done.stderr + done.stdout)
        return done

    def test_every_normalization_equals_numpy(self):
        for kind in ("tfidf", "l1-columns", "log1p"):
            expected = th.normalized(self.v, kind)
            prepared = self.path(f"numpy_{kind}.h5")
            th.write_dense(prepared, expected)
            reference = self.path(f"reference_{kind}.h5")
            self.factorize(1, prepared, reference)
            w_ref, h_ref = th.factors(reference)
            for ranks in (1, 3):
                for source in (self.dense, self.sparse):
                    with self.subTest(kind=kind, ranks=ranks, source=os.path.basename(source)):
                        out = self.path(f"{kind}_{ranks}_{os.path.basename(source)}")
                        self.factorize(ranks, source, out, "--normalize", kind)
                        w, h = th.factors(out)
                        np.testing.assert_allclose(w, w_ref, rtol=1e-8, atol=1e-10)
                        np.testing.assert_allclose(h, h_ref, rtol=1e-8, atol=1e-10)
                        with h5py.File(out) as f:
                            self.assertEqual(f.attrs["normalize"], kind)
                            self.assertIn(f"normalize = {kind}", f.attrs["options"])
                            objective = f.attrs["objective"]
                            if kind == "tfidf":
                                np.testing.assert_allclose(f["idf"][:], th.idf(self.v),
                                                           rtol=1e-12)
                            else:
                                self.assertNotIn("idf", f)
                        exact = 0.5 * np.sum((expected - w @ h) ** 2)
                        self.assertAlmostEqual(objective / exact, 1.0, places=9)

    def test_tfidf_zeros_are_dropped_so_sparse_kl_stays_finite(self):
        out = self.path("kl_tfidf.h5")
        done = th.run(2, ["factorize", "--input", self.sparse, "--rank", 3, "--loss", "kl",
                          "--max-iter", 20, "--tol", 0, "--normalize", "tfidf", "--output", out])
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("entries of rows present in every column became 0 and were dropped",
                      done.stdout)
        v = th.normalized(self.v, "tfidf")
        w, h = th.factors(out)
        wh = w @ h
        positive = v > 0
        exact = np.sum(v[positive] * np.log(v[positive] / wh[positive])) - v.sum() + wh.sum()
        with h5py.File(out) as f:
            self.assertAlmostEqual(f.attrs["objective"] / exact, 1.0, places=9)

    def test_unknown_normalization_is_refused_in_one_line(self):
        done = th.run(1, ["factorize", "--input", self.dense, "--rank", 2, "--output",
                          self.path("never.h5"), "--normalize", "zscore"])
        self.assertEqual(done.returncode, 2)
        self.assertIn("unknown --normalize 'zscore' (supported: none, tfidf, l1-columns, log1p)",
                      done.stderr)
        self.assertFalse(os.path.exists(self.path("never.h5")))


if __name__ == "__main__":
    harness.main()
