#!/usr/bin/python3
"""Issue 16, class 9: nothing lossy or misleading about the input. convert
copies 64-bit integers up to 2^53 exactly and refuses larger ones (it copies
through float64); a dataset compressed with a filter this HDF5 cannot decode
(LZF) is reported naming the filter, for dense and sparse input, --init
files and evaluate; binary junk in a --config file or an ENVI header is
printed escaped and cut, never raw. At 1 and 2 ranks, one line, nothing left."""
import os
import tempfile
import unittest

import h5py
import numpy as np

import harness
from checkpoint_helpers import run
from failure_checks import assert_failed, attempt_all, snapshot

JUNK = b"\x1b[2J\x1b]0;owned\x07\xff\xfe\x00\x01" + b"Z" * 200


class LosslessInputs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_lossless_")
        rng = np.random.default_rng(9)
        cls.good = cls.path("good.h5")
        with h5py.File(cls.good, "w") as f:
            f["V"] = rng.uniform(0.1, 1.0, (30, 20))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.tmp.name, name)

    def test_64_bit_integers(self):
        exact = np.array([[2**53, 7, 0], [1, 2**40 + 3, 5]], dtype=np.uint64)
        for dtype in (np.uint64, np.int64):
            small = self.path(f"small_{dtype.__name__}.h5")
            with h5py.File(small, "w") as f:
                f["V"] = exact.astype(dtype)
            out = self.path(f"copy_{dtype.__name__}.h5")
            run(2, "convert", "--input", small, "--output", out, "--quiet")
            with h5py.File(out, "r") as f:
                self.assertEqual(f["V"].dtype, dtype)
                np.testing.assert_array_equal(f["V"][...], exact.astype(dtype))
        big = {np.uint64: 2**64 - 1, np.int64: 2**63 - 1}
        inputs, cases = [], []
        for dtype, value in big.items():
            path = self.path(f"big_{dtype.__name__}.h5")
            with h5py.File(path, "w") as f:
                f["V"] = np.array([[value, 1], [2**53 + 1, 3]], dtype=dtype)
            inputs.append(path)
            cases += [(ranks, ["convert", "--input", path, "--output", self.path("never.h5")])
                      for ranks in (1, 2)]
        before = snapshot(inputs)
        for case, outcome in zip(cases, attempt_all(cases)):
            with self.subTest(case=case):
                assert_failed(self, outcome, 1, "values above 2^53", "would round",
                              before=before, never=[self.path("never.h5")])

    def test_missing_filter_is_named(self):
        dense = self.path("lzf.h5")
        with h5py.File(dense, "w") as f:
            f.create_dataset("V", data=np.ones((30, 20)), compression="lzf", chunks=(10, 10))
        sparse = self.path("lzf_sparse.h5")
        with h5py.File(sparse, "w") as f:
            g = f.create_group("V")
            g.create_dataset("data", data=np.ones(30), compression="lzf", chunks=(10,))
            g["indices"] = np.arange(30) % 20
            g["indptr"] = np.arange(31)
            g.attrs["shape"] = np.array([30, 20], np.int64)
            g.attrs["format"] = "csr"
        factors = self.path("lzf_factors.h5")
        with h5py.File(factors, "w") as f:
            f.create_dataset("W", data=np.ones((30, 2)), compression="lzf", chunks=(10, 2))
            f["H"] = np.ones((2, 20))
        inputs = [dense, sparse, factors, self.good]
        before = snapshot(inputs)
        out = self.path("never_lzf.h5")
        runs = [["factorize", "--input", dense, "--rank", 2, "--output", out],
                ["factorize", "--input", sparse, "--rank", 2, "--output", out],
                ["factorize", "--input", self.good, "--rank", 2, "--init", f"file:{factors}",
                 "--output", out],
                ["convert", "--input", dense, "--output", out],
                ["evaluate", "--result", factors, "--truth", factors]]
        cases = [(ranks, args) for ranks in (1, 2) for args in runs]
        for case, outcome in zip(cases, attempt_all(cases)):
            with self.subTest(case=case):
                assert_failed(self, outcome, 1, "LZF (HDF5 filter 32000)",
                              "cannot decode", before=before, never=[out])
                self.assertNotIn("corrupt", outcome[0].stderr)

    def test_binary_junk_is_escaped_and_cut(self):
        config = self.path("junk.ini")
        with open(config, "wb") as f:
            f.write(b"rank = " + JUNK + b"\n")
        config_key = self.path("junk_key.ini")
        with open(config_key, "wb") as f:
            f.write(JUNK + b" = 3\n")
        header = self.path("junk.hdr")
        with open(header, "wb") as f:
            f.write(b"ENVI\nsamples = 4\nlines = 5\nbands = 6\ndata type = 4\ninterleave = " +
                    JUNK + b"\n")
        with open(self.path("junk.img"), "wb") as f:
            f.write(bytes(4 * 5 * 6 * 4))
        header_line = self.path("line.hdr")
        with open(header_line, "wb") as f:
            f.write(b"ENVI\nsamples = 4\n" + JUNK + b"\n")
        with open(self.path("line.img"), "wb") as f:
            f.write(bytes(16))
        inputs = [config, config_key, header, header_line]
        before = snapshot(inputs)
        out = self.path("never_junk.h5")
        runs = [["factorize", "--config", config, "--input", self.good, "--output", out],
                ["factorize", "--config", config_key, "--input", self.good, "--rank", 2,
                 "--output", out],
                ["factorize", "--input", header, "--rank", 2, "--output", out],
                ["convert", "--input", header_line, "--output", out]]
        cases = [(ranks, args) for ranks in (1, 2) for args in runs]
        for case, outcome in zip(cases, attempt_all(cases)):
            with self.subTest(case=case):
                done = outcome[0]
                self.assertIn(done.returncode, (1, 2), done.stderr)
                assert_failed(self, outcome, done.returncode, before=before, never=[out])
                line = [l for l in done.stderr.splitlines() if l.startswith("gridnmf: error:")][0]
                # Nothing raw: no control character, no invalid UTF-8, and cut.
                self.assertFalse(any(ord(c) < 0x20 or ord(c) == 0x7f for c in line), repr(line))
                self.assertNotIn("\\udcff", line.encode("utf-8", "backslashreplace").decode())
                self.assertNotIn("Z" * 60, line)
                self.assertIn("\\x1B", line)


if __name__ == "__main__":
    harness.main()
