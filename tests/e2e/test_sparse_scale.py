#!/usr/bin/python3
"""A sparse matrix whose dense form could never fit in memory (2,000,000 x
1,000,000, 20 million nonzeros: 16 TB dense) factorizes at 2 ranks, and the
peak RSS per rank stays near the bytes of its CSR block (nothing of size
m x n, nor m x n / p, is ever allocated)."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import h5py

import harness
from harness import Paths

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "bench"))
from sparse_matrix import write_random_csr  # noqa: E402

ROWS, COLS, NONZEROS, RANK = 2_000_000, 1_000_000, 20_000_000, 4


class SparseScale(unittest.TestCase):
    def test_two_million_by_one_million_at_two_ranks(self):
        with tempfile.TemporaryDirectory(prefix="gridnmf_scale_") as tmp:
            source = os.path.join(tmp, "v.h5")
            write_random_csr(source, ROWS, COLS, NONZEROS, seed=3)
            out, report = os.path.join(tmp, "out.h5"), os.path.join(tmp, "report.json")
            done = subprocess.run(
                [Paths.mpiexec, "-n", "2", Paths.gridnmf, "factorize",
                 "--input", source, "--rank", str(RANK), "--max-iter", "2", "--tol", "0",
                 "--output", out, "--report", report, "--print-every", "1"],
                capture_output=True, text=True, timeout=300)
            self.assertEqual(done.returncode, 0, done.stderr)
            with h5py.File(out) as f:
                self.assertEqual(f["W"].shape, (ROWS, RANK))
                self.assertEqual(f["H"].shape, (RANK, COLS))
                self.assertEqual(f.attrs["iterations"], 2)
            with open(report) as f:
                facts = json.load(f)
            sparse = facts["sparse_input"]
            self.assertGreater(sparse["nonzeros"], NONZEROS - 1000)  # a few duplicates summed
            self.assertLess(sparse["nonzero_imbalance"], 1.01)
            # The block is ~12 bytes per nonzero (120 MB at 2 ranks); the factors
            # and their buffers add O((m/pr + n/pc) k). 1 GB leaves room for
            # MPI and HDF5, and is 16,000 times less than m x n doubles.
            peak = facts["peak_rss_bytes"]["max"]
            print(f"peak RSS per rank {peak / 1e6:.0f} MB, largest CSR block "
                  f"{sparse['max_block_bytes'] / 1e6:.0f} MB", file=sys.stderr)
            self.assertLess(peak, 1.0e9)


if __name__ == "__main__":
    harness.main()
