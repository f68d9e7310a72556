#!/usr/bin/python3
"""End-to-end tests of the --init and --restarts options: NNDSVD starts agree
with scikit-learn's, every start is the same on 1 and 4 ranks, restarts keep
the best run and record all of them, and bad values fail once with the exit
code of a usage or runtime error and leave no output behind."""
import os
import subprocess
import tempfile
import unittest
import warnings

import h5py
import numpy as np

import harness
from harness import Paths

try:
    from sklearn.decomposition import NMF
    from sklearn.decomposition._nmf import _initialize_nmf
    from sklearn.exceptions import ConvergenceWarning
except ImportError:  # the other tests still run; the cross-check reports the skip
    NMF = None

TIMEOUT = 120


def run(ranks, *args, expect=0):
    command = [Paths.mpiexec, "-n", str(ranks), Paths.gridnmf, *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    if expect is not None and done.returncode != expect:
        raise AssertionError(
            f"{' '.join(command)} exited {done.returncode}, expected {expect}\n"
            f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}")
    return done


def read(path):
    with h5py.File(path, "r") as f:
        return {"W": f["W"][...], "H": f["H"][...], "attrs": dict(f.attrs),
                "objective": f["history/objective"][...],
                "restart_seeds": f["restarts/seed"][...],
                "restart_objectives": f["restarts/objective"][...]}


class Initialization(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_init_")
        cls.dir = cls.tmp.name
        rng = np.random.default_rng(8)
        m, n, cls.k = 60, 45, 5
        # Exact rank k, so scikit-learn's randomized SVD and ours are both exact.
        cls.v = rng.uniform(0, 1, (m, cls.k)) @ rng.uniform(0, 1, (cls.k, n))
        cls.input = os.path.join(cls.dir, "v.h5")
        cls.input_t = os.path.join(cls.dir, "vt.h5")
        with h5py.File(cls.input, "w") as f:
            f["V"] = cls.v
        with h5py.File(cls.input_t, "w") as f:
            f["V"] = cls.v.T

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def factorize(self, ranks, output, *args, expect=0, input=None):
        return run(ranks, "factorize", "--input", input or self.input, "--rank", self.k,
                   "--output", output, *args, expect=expect)

    def test_every_start_is_the_same_on_one_and_four_ranks(self):
        for init in ("random", "nndsvd", "nndsvda", "nndsvdar", "spa"):
            results = []
            for ranks in (1, 4):
                out = self.path(f"{init}{ranks}.h5")
                done = self.factorize(ranks, out, "--init", init, "--algorithm", "hals",
                                      "--max-iter", 5, "--seed", 3)
                self.assertIn("initialisation:", done.stdout)
                results.append(read(out))
            one, four = results
            np.testing.assert_allclose(four["W"], one["W"], rtol=1e-9, atol=1e-12, err_msg=init)
            np.testing.assert_allclose(four["H"], one["H"], rtol=1e-9, atol=1e-12, err_msg=init)
            self.assertGreaterEqual(one["attrs"]["init_seconds"], 0.0)
            self.assertEqual(one["attrs"]["restarts"], 1)
            self.assertIn(f"init = {init}", one["attrs"]["options"])

    def test_nndsvd_starts_hals_closer_than_random(self):
        errors = {}
        for init in ("random", "nndsvd"):
            out = self.path(f"close_{init}.h5")
            self.factorize(2, out, "--init", init, "--algorithm", "hals", "--max-iter", 1)
            errors[init] = read(out)["attrs"]["relative_error"]
        self.assertLess(errors["nndsvd"], errors["random"])

    @unittest.skipIf(NMF is None, "python3-sklearn is not installed (apt-get install python3-sklearn)")
    def test_nndsvd_variants_start_where_sklearn_starts(self):
        # One MU iteration on V^T updates W^T first, as scikit-learn's MU
        # updates W first, so both take the same step from the same start.
        for init in ("nndsvd", "nndsvda"):
            w0, h0 = _initialize_nmf(self.v, self.k, init=init, eps=1e-6)
            model = NMF(n_components=self.k, init="custom", solver="mu", max_iter=1, tol=0.0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                w1 = model.fit_transform(self.v, W=w0.copy(), H=h0.copy())
            h1 = model.components_
            out = self.path(f"sk_{init}.h5")
            self.factorize(3, out, "--init", init, "--algorithm", "mu", "--max-iter", 1,
                           input=self.input_t)
            got = read(out)
            np.testing.assert_allclose(got["H"].T, w1, rtol=1e-6, atol=1e-9, err_msg=init)
            np.testing.assert_allclose(got["W"].T, h1, rtol=1e-6, atol=1e-9, err_msg=init)

    def test_restarts_keep_the_lowest_objective_and_record_every_run(self):
        out = self.path("restarts.h5")
        done = self.factorize(2, out, "--restarts", 3, "--seed", 10, "--algorithm", "hals",
                              "--max-iter", 15, "--tol", 0)
        self.assertEqual(done.stdout.count("initialisation:"), 3)
        got = read(out)
        np.testing.assert_array_equal(got["restart_seeds"], [10, 11, 12])
        self.assertEqual(got["attrs"]["restarts"], 3)
        best = int(np.argmin(got["restart_objectives"]))
        self.assertEqual(got["attrs"]["seed"], 10 + best)
        self.assertEqual(got["attrs"]["objective"], got["restart_objectives"][best])
        # The kept run is the run of its seed alone.
        single = self.path("single.h5")
        self.factorize(2, single, "--seed", 10 + best, "--algorithm", "hals", "--max-iter", 15,
                       "--tol", 0)
        alone = read(single)
        np.testing.assert_allclose(got["W"], alone["W"], rtol=1e-12, atol=1e-14)
        self.assertEqual(alone["attrs"]["objective"], got["attrs"]["objective"])

    def test_bad_values_fail_once_without_output(self):
        other_k = self.path("other_k.h5")
        with h5py.File(other_k, "w") as f:
            f["W"] = np.ones((60, self.k + 1))
            f["H"] = np.ones((self.k + 1, 45))
        other_m = self.path("other_m.h5")
        with h5py.File(other_m, "w") as f:
            f["W"] = np.ones((59, self.k))
            f["H"] = np.ones((self.k, 45))
        other_n = self.path("other_n.h5")
        with h5py.File(other_n, "w") as f:
            f["W"] = np.ones((60, self.k))
            f["H"] = np.ones((self.k, 44))
        cases = [
            (("--init", "svd"), 2, "--init"),
            (("--init", "file:"), 2, "--init file:"),
            (("--restarts", 0), 2, "--restarts"),
            (("--restarts", 2, "--init", "nndsvd"), 2, "--restarts"),
            (("--restarts", 2, "--init", "nndsvda"), 2, "--restarts"),
            (("--restarts", 2, "--init", "spa"), 2, "--restarts"),
            (("--restarts", 2, "--init", "file:" + other_k), 2, "--restarts"),
            (("--init", "file:" + other_k), 1, "60 x 6 but this problem needs 60 x 5"),
            (("--init", "file:" + other_m), 1, "59 x 5 but this problem needs 60 x 5"),
            (("--init", "file:" + other_n), 1, "5 x 44 but this problem needs 5 x 45"),
            (("--init", "file:" + self.path("missing.h5")), 1, "missing.h5"),
        ]
        out = self.path("bad.h5")
        for args, code, words in cases:
            for ranks in (1, 3):
                done = self.factorize(ranks, out, *args, expect=code)
                lines = [l for l in done.stderr.splitlines() if l.startswith("gridnmf: error:")]
                self.assertEqual(len(lines), 1, (args, done.stderr))
                self.assertIn(words, lines[0])
                self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    harness.main()
