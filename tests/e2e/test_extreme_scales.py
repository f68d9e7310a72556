#!/usr/bin/python3
"""Issue 16, class 4: data far from 1. V near 1e-300, denormal V and V near
1e200 and 1e300 factorize like V near 1 (gridnmf scales V by an exact power
of two and undoes it on W and H), at 1 and 2 ranks, dense and sparse, for
factorize, unmix and a resume; float64 data beyond float32's range read with
--precision float32 is refused with one line about the scale; evaluate's
spectral angles do not overflow for W scaled by 1e200."""
import json
import os
import tempfile
import unittest

import h5py
import numpy as np
import scipy.sparse as sp

import harness
from checkpoint_helpers import run
from failure_checks import assert_failed, attempt_all, snapshot

SCALES = [1e-300, 1e-310, 1e200, 1e300]  # 1e-310 is denormal


def relative_error(v, w, h):
    """||V - WH|| / ||V|| without over- or underflow: W and H divided by their
    largest entries first (V by both)."""
    a, b = np.abs(w).max(), np.abs(h).max()
    vn = v / a / b
    return np.linalg.norm(vn - (w / a) @ (h / b)) / np.linalg.norm(vn)


class ExtremeScales(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_scales_")
        rng = np.random.default_rng(16)
        w = rng.uniform(0.1, 1.0, (60, 4))
        h = rng.uniform(0.0, 1.0, (4, 50))
        cls.v = w @ h + 0.01 * rng.uniform(0.0, 1.0, (60, 50))
        cls.files = {}
        for scale in [1.0, *SCALES]:
            path = cls.path(f"v_{scale:g}.h5")
            with h5py.File(path, "w") as f:
                f["V"] = cls.v * scale
            cls.files[scale] = path

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.tmp.name, name)

    def factorize(self, ranks, data, out, *extra, iterations=30):
        run(ranks, "factorize", "--input", data, "--rank", 4, "--max-iter", iterations, "--tol",
            0, "--output", out, "--quiet", *extra)
        with h5py.File(out, "r") as f:
            return f["W"][...], f["H"][...], dict(f.attrs), f["history/objective"][...]

    def test_factorize_matches_the_run_near_1(self):
        for algorithm in ("bpp", "mu"):
            reference = self.factorize(1, self.files[1.0], self.path(f"ref_{algorithm}.h5"),
                                       "--algorithm", algorithm)
            for scale in SCALES:
                for ranks in (1, 2):
                    with self.subTest(algorithm=algorithm, scale=scale, ranks=ranks):
                        data = self.files[scale]
                        w, h, attrs, objectives = self.factorize(
                            ranks, data, self.path(f"o_{algorithm}_{scale:g}_{ranks}.h5"),
                            "--algorithm", algorithm)
                        self.assertTrue(np.all(np.isfinite(w)) and np.all(np.isfinite(h)))
                        self.assertGreater(np.abs(w).max(), 0.0)
                        self.assertGreater(np.abs(h).max(), 0.0)
                        self.assertNotEqual(attrs["v_scale_exponent"], 0)
                        self.assertNotIn("v_scale_exponent", reference[2])
                        # The same run as near 1, up to rounding (and the
                        # denormals' own precision).
                        self.assertAlmostEqual(attrs["relative_error"],
                                               reference[2]["relative_error"], delta=1e-9)
                        with h5py.File(data, "r") as f:
                            v = f["V"][...]
                        self.assertAlmostEqual(relative_error(v, w, h), attrs["relative_error"],
                                               delta=1e-9)
                        # The objective is that of the original V: 0.5 ||V - WH||^2,
                        # s^2 times the one near 1 (0 or inf where that leaves float64).
                        expected = float(reference[2]["objective"]) * scale * scale
                        if 1e-300 < expected < 1e300:
                            self.assertAlmostEqual(attrs["objective"] / expected, 1.0, delta=1e-6)

    def test_sparse_and_float32_and_unmix(self):
        rng = np.random.default_rng(7)
        sparse_v = sp.random(80, 60, density=0.2, random_state=3, format="csr")
        sparse_v.data = rng.uniform(0.5, 1.0, sparse_v.nnz)
        for scale in (1e-300, 1e300):
            stored = (sparse_v * scale).tocsr()
            path = self.path(f"sparse_{scale:g}.h5")
            with h5py.File(path, "w") as f:
                g = f.create_group("V")
                g["data"], g["indices"], g["indptr"] = stored.data, stored.indices, stored.indptr
                g.attrs["shape"] = np.array(stored.shape, np.int64)
                g.attrs["format"] = "csr"
            for ranks in (1, 2):
                with self.subTest(kind="sparse", scale=scale, ranks=ranks):
                    w, h, attrs, _ = self.factorize(ranks, path, self.path(f"s_{ranks}.h5"),
                                                    "--algorithm", "hals")
                    error = relative_error(stored.toarray(), w, h)
                    self.assertAlmostEqual(attrs["relative_error"], error, delta=1e-9)
                    self.assertLess(error, 0.95)
        # float32 on float32 data far from 1 (stored as float32: 1e-30 and 1e30)
        for scale in (1e-30, 1e30):
            path = self.path(f"f32_{scale:g}.h5")
            with h5py.File(path, "w") as f:
                f["V"] = (self.v * scale).astype(np.float32)
            for ranks in (1, 2):
                with self.subTest(kind="float32", scale=scale, ranks=ranks):
                    w, h, attrs, _ = self.factorize(ranks, path, self.path(f"f_{ranks}.h5"),
                                                    "--precision", "float32")
                    self.assertAlmostEqual(
                        relative_error((self.v * scale).astype(np.float64), w.astype(np.float64),
                                       h.astype(np.float64)),
                        attrs["relative_error"], delta=1e-4)
                    self.assertLess(attrs["relative_error"], 0.2)
        # unmix: the abundances still sum to one, W carries the scale
        for scale in (1e-300, 1e300):
            out = self.path(f"unmix_{scale:g}.h5")
            run(2, "unmix", "--input", self.files[scale], "--endmembers", 4, "--max-iter", 30,
                "--output", out, "--quiet")
            with h5py.File(out, "r") as f:
                w, h = f["W"][...], f["H"][...]
                with self.subTest(kind="unmix", scale=scale):
                    self.assertLess(np.abs(h.sum(axis=0) - 1).max(), 0.05)
                    self.assertLess(relative_error(self.v * scale, w, h), 0.1)
                    self.assertAlmostEqual(f.attrs["relative_error"],
                                           relative_error(self.v * scale, w, h), delta=1e-9)

    def test_resume_far_from_1_is_bitwise(self):
        data = self.files[1e-300]
        straight = self.factorize(2, data, self.path("straight.h5"), "--algorithm", "hals")
        ck = self.path("ck_scale.h5")
        self.factorize(2, data, self.path("part.h5"), "--algorithm", "hals", "--checkpoint", ck,
                       iterations=12)
        resumed = self.factorize(2, data, self.path("resumed.h5"), "--algorithm", "hals",
                                 "--checkpoint", ck, "--resume")
        np.testing.assert_array_equal(straight[0], resumed[0])
        np.testing.assert_array_equal(straight[1], resumed[1])
        np.testing.assert_array_equal(straight[3], resumed[3])

    def test_float64_beyond_float32_is_refused_with_the_scale(self):
        inputs = [self.files[1e300], self.files[1e-300], self.files[1e200]]
        before = snapshot(inputs)
        out = self.path("never32.h5")
        cases = [(ranks, [command, "--input", data, option, 4, "--precision", "float32",
                          "--output", out])
                 for ranks in (1, 2) for data in inputs
                 for command, option in (("factorize", "--rank"), ("unmix", "--endmembers"))]
        for case, outcome in zip(cases, attempt_all(cases)):
            with self.subTest(case=case):
                assert_failed(self, outcome, 1, "beyond float32's range",
                              "--precision float64", before=before, never=[out])
                self.assertNotIn("NaN or infinite", outcome[0].stderr)

    def test_evaluate_angles_for_w_scaled_by_1e200(self):
        truth = self.path("truth.h5")
        w = np.random.default_rng(2).uniform(0.1, 1.0, (30, 3))
        h = np.random.default_rng(3).dirichlet(np.ones(3), 40).T
        with h5py.File(truth, "w") as f:
            f["W_true"], f["H_true"] = w, h
        for scale in (1e200, 1e-200, 1e300):
            result = self.path(f"scaled_{scale:g}.h5")
            with h5py.File(result, "w") as f:
                f["W"], f["H"] = w * scale, h
            report = self.path(f"eval_{scale:g}.json")
            run(1, "evaluate", "--result", result, "--truth", truth, "--json", report)
            with open(report) as f:
                scores = json.load(f)
            with self.subTest(scale=scale):
                self.assertLess(scores["mean_sad"], 1e-6, scores)


if __name__ == "__main__":
    harness.main()
