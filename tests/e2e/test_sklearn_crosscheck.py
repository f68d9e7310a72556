#!/usr/bin/python3
"""Cross-check of gridnmf against an independent implementation, scikit-learn
(Debian's python3-sklearn): from the same W0 and H0, MU with beta = 2 and
beta = 1 follows sklearn's solver='mu' iteration by iteration, and HALS
reaches an objective no worse than sklearn's solver='cd' at convergence.

sklearn's MU updates W before H; gridnmf updates H before W. Factorizing V^T
with gridnmf (so its "H" is W^T) makes the two sequences the same."""
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
    from sklearn.exceptions import ConvergenceWarning
except ImportError:  # the suite still runs; this file reports the skip
    NMF = None



def sklearn_mu_objectives(v, w, h, beta_loss, iterations):
    """Objective after each of `iterations` sklearn MU iterations from (w, h)."""
    objectives = []
    for _ in range(iterations):
        model = NMF(n_components=w.shape[1], init="custom", solver="mu", beta_loss=beta_loss,
                    max_iter=1, tol=0.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            w = model.fit_transform(v, W=w.copy(), H=h.copy())
        h = model.components_
        wh = w @ h
        if beta_loss == "frobenius":
            objectives.append(0.5 * np.sum((v - wh) ** 2))
        else:
            objectives.append(np.sum(v * np.log(v / wh) - v + wh))
    return np.array(objectives)


@unittest.skipIf(NMF is None, "python3-sklearn is not installed (apt-get install python3-sklearn)")
class SklearnCrossCheck(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_sklearn_")
        rng = np.random.default_rng(4)
        m, n, k = 60, 45, 5
        # Positive data of rank k plus a little positive noise.
        cls.v = rng.uniform(0, 1, (m, k)) @ rng.uniform(0, 1, (k, n)) + rng.uniform(0, 0.1, (m, n))
        cls.w0 = rng.uniform(0.1, 1, (m, k))
        cls.h0 = rng.uniform(0.1, 1, (k, n))
        cls.input = os.path.join(cls.tmp.name, "vt.h5")
        cls.start = os.path.join(cls.tmp.name, "start.h5")
        with h5py.File(cls.input, "w") as f:
            f["V"] = cls.v.T
        with h5py.File(cls.start, "w") as f:  # the start of V^T = H^T W^T
            f["W"] = cls.h0.T
            f["H"] = cls.w0.T

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def gridnmf(self, ranks, *args):
        out = os.path.join(self.tmp.name, "out.h5")
        command = [Paths.mpiexec, "-n", str(ranks), Paths.gridnmf, "factorize",
                   "--input", self.input, "--rank", "5", "--init", "file:" + self.start,
                   "--output", out, "--quiet", *map(str, args)]
        subprocess.run(command, check=True, timeout=300)
        with h5py.File(out, "r") as f:
            self.recorded = f["history/iteration"][...]
            return f["history/objective"][...], f.attrs["objective"]

    def test_mu_follows_sklearn_mu(self):
        # KL on dense input evaluates iteration 1, every tenth and the last
        # (whatever is printed); the Frobenius loss every iteration.
        recorded = {"frobenius": np.arange(1, 51), "kl": np.array([1, 10, 20, 30, 40, 50])}
        for loss, beta_loss in (("frobenius", "frobenius"), ("kl", "kullback-leibler")):
            expected = sklearn_mu_objectives(self.v, self.w0, self.h0, beta_loss, 50)
            for ranks in (1, 3):
                with self.subTest(loss=loss, ranks=ranks):
                    got, _ = self.gridnmf(ranks, "--algorithm", "mu", "--loss", loss,
                                          "--max-iter", 50, "--tol", 0)
                    np.testing.assert_array_equal(self.recorded, recorded[loss])
                    np.testing.assert_allclose(got, expected[self.recorded - 1], rtol=1e-6,
                                               atol=0)

    def test_hals_and_bpp_at_least_as_good_as_sklearn_cd(self):
        model = NMF(n_components=5, init="custom", solver="cd", beta_loss="frobenius",
                    max_iter=5000, tol=1e-10)
        w = model.fit_transform(self.v, W=self.w0.copy(), H=self.h0.copy())
        sk_objective = 0.5 * np.sum((self.v - w @ model.components_) ** 2)
        for algorithm in ("hals", "bpp"):
            with self.subTest(algorithm=algorithm):
                _, objective = self.gridnmf(2, "--algorithm", algorithm, "--max-iter", 5000,
                                            "--tol", 1e-12)
                self.assertLessEqual(objective, sk_objective * (1 + 1e-6))


if __name__ == "__main__":
    harness.main()
