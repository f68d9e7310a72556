#!/usr/bin/python3
"""Issue 16, class 5: a checkpoint belongs to one matrix. It stores V's
shape, scale, sum and sum of squares; a resume against another matrix of the
same shape (dense or sparse, same path) is refused with one line (exit 2), at
1 and 2 ranks, the checkpoint byte for byte as it was; the same matrix under
another spelling and on another grid resumes. A run without --resume whose
--checkpoint exists is refused (exit 2) and leaves it alone."""
import os
import shutil
import tempfile
import unittest

import h5py
import numpy as np
import scipy.sparse as sp

import harness
from checkpoint_helpers import run
from failure_checks import assert_failed, attempt_all, snapshot


class Fingerprint(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_fingerprint_")
        rng = np.random.default_rng(5)
        cls.v = rng.uniform(0.1, 1.0, (70, 40))
        cls.sparse = sp.random(70, 40, density=0.3, random_state=2, format="csr")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.tmp.name, name)

    def write(self, path, matrix):
        with h5py.File(path, "w") as f:
            if sp.issparse(matrix):
                g = f.create_group("V")
                g["data"], g["indices"], g["indptr"] = matrix.data, matrix.indices, matrix.indptr
                g.attrs["shape"] = np.array(matrix.shape, np.int64)
                g.attrs["format"] = "csr"
            else:
                f["V"] = matrix

    def test_another_matrix_of_the_same_shape_is_refused(self):
        changed_sparse = self.sparse.copy()
        changed_sparse.data = changed_sparse.data * (1 + 1e-9)
        changed_dense = self.v.copy()
        changed_dense[3, 4] += 1e-6
        for kind, original, changed in (("dense", self.v, changed_dense),
                                        ("sparse", self.sparse, changed_sparse)):
            data, ck = self.path(f"{kind}.h5"), self.path(f"{kind}_ck.h5")
            self.write(data, original)
            run(2, "factorize", "--input", data, "--rank", 3, "--max-iter", 4, "--output",
                self.path(f"{kind}_first.h5"), "--checkpoint", ck, "--quiet")
            self.write(data, changed)
            before = snapshot([data, ck])
            out = self.path(f"{kind}_never.h5")
            cases = [(ranks, ["factorize", "--input", data, "--rank", 3, "--max-iter", 8,
                              "--output", out, "--checkpoint", ck, "--resume"])
                     for ranks in (1, 2)]
            for case, outcome in zip(cases, attempt_all(cases)):
                with self.subTest(kind=kind, ranks=case[0]):
                    assert_failed(self, outcome, 2, "was written for other data", ck, "sum",
                                  "start without --resume", before=before, never=[out])
            # The original matrix again, spelled differently, on another grid: resumes.
            self.write(data, original)
            relative = os.path.relpath(data)
            done = run(1, "factorize", "--input", relative, "--rank", 3, "--max-iter", 8,
                       "--output", self.path(f"{kind}_resumed.h5"), "--checkpoint", ck,
                       "--resume", "--quiet")
            self.assertEqual(done.returncode, 0)

    def test_an_existing_checkpoint_needs_resume(self):
        data, ck = self.path("plain.h5"), self.path("plain_ck.h5")
        self.write(data, self.v)
        run(1, "factorize", "--input", data, "--rank", 3, "--max-iter", 3, "--output",
            self.path("plain_first.h5"), "--checkpoint", ck, "--quiet")
        before = snapshot([data, ck])
        out = self.path("plain_never.h5")
        cases = [(ranks, [command, "--input", data, option, 3, "--output", out, "--checkpoint",
                          ck]) for ranks in (1, 2)
                 for command, option in (("factorize", "--rank"), ("unmix", "--endmembers"))]
        for case, outcome in zip(cases, attempt_all(cases)):
            with self.subTest(case=case):
                assert_failed(self, outcome, 2, f"--checkpoint '{ck}' already exists",
                              "pass --resume", "remove it", before=before, never=[out])
        # Removed, the same command starts over.
        os.remove(ck)
        run(2, "factorize", "--input", data, "--rank", 3, "--max-iter", 3, "--output", out,
            "--checkpoint", ck, "--quiet")
        self.assertTrue(os.path.exists(ck))


if __name__ == "__main__":
    harness.main()
