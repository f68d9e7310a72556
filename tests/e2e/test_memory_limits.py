#!/usr/bin/python3
"""Issue 16, class 6: a problem larger than memory is refused before it is
allocated, with one line naming the need per rank, what is available and how
many ranks would fit (exit 1), at 1 and 2 ranks, for dense and sparse
factorize, unmix and generate; generate of 10^12 x 10^12 fails with one line.
GRIDNMF_TEST_MEMORY_LIMIT_BYTES stands in for the node's available memory."""
import os
import re
import tempfile
import unittest

import h5py
import numpy as np
import scipy.sparse as sp

import harness
from failure_checks import assert_failed, attempt_all, snapshot


class MemoryLimits(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_memory_")
        cls.dense = cls.path("dense.h5")
        with h5py.File(cls.dense, "w") as f:
            f["V"] = np.random.default_rng(1).uniform(0.1, 1.0, (400, 300))  # 960 KB
        cls.sparse = cls.path("sparse.h5")
        matrix = sp.random(2000, 1500, density=0.05, random_state=1, format="csr")
        with h5py.File(cls.sparse, "w") as f:
            g = f.create_group("V")
            g["data"], g["indices"], g["indptr"] = matrix.data, matrix.indices, matrix.indptr
            g.attrs["shape"] = np.array(matrix.shape, np.int64)
            g.attrs["format"] = "csr"

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.tmp.name, name)

    def test_too_large_for_memory_is_refused(self):
        out = self.path("never.h5")
        before = snapshot([self.dense, self.sparse])
        limit = {"GRIDNMF_TEST_MEMORY_LIMIT_BYTES": "200000"}  # 200 KB on the node
        runs = [["factorize", "--input", self.dense, "--rank", 5, "--output", out],
                ["factorize", "--input", self.sparse, "--rank", 5, "--output", out],
                ["unmix", "--input", self.dense, "--endmembers", 5, "--output", out],
                ["generate", "--rows", 400, "--cols", 300, "--rank", 5, "--output", out]]
        cases = [(ranks, args, limit) for ranks in (1, 2) for args in runs]
        for case, outcome in zip(cases, attempt_all(cases)):
            with self.subTest(case=case):
                assert_failed(self, outcome, 1, "per rank on", "is available per rank",
                              "ranks with that much memory each would fit", before=before,
                              never=[out])
                fit = int(re.search(r"about (\d+) ranks", outcome[0].stderr).group(1))
                self.assertGreater(fit, case[0])

    def test_absurd_sizes_fail_with_one_line(self):
        out = self.path("never_huge.h5")
        cases = [(ranks, ["generate", "--rows", 10**12, "--cols", 10**12, "--rank", 3,
                          "--output", out]) for ranks in (1, 2)]
        for case, outcome in zip(cases, attempt_all(cases)):
            with self.subTest(ranks=case[0]):
                assert_failed(self, outcome, 1, "needs about", "no number of ranks",
                              never=[out])

    def test_a_limit_that_fits_runs(self):
        out = self.path("fits.h5")
        cases = [(2, ["factorize", "--input", self.dense, "--rank", 5, "--max-iter", 2,
                      "--output", out, "--quiet"], {"GRIDNMF_TEST_MEMORY_LIMIT_BYTES": "50000000"})]
        done, _ = attempt_all(cases)[0]
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertTrue(os.path.exists(out))


if __name__ == "__main__":
    harness.main()
