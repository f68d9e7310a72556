#!/usr/bin/python3
"""Bad input to gridnmf factorize, at 1 and 4 ranks, each within 30 s: the
exit status, exactly one error line naming the problem, no output or
checkpoint file created, and existing files (input, result, checkpoint) left
byte for byte as they were. Complements the cases in test_end_to_end.py."""
import glob
import os
import subprocess
import tempfile
import unittest
from concurrent.futures import ThreadPoolExecutor

import h5py
import numpy as np

import harness
from harness import Paths

TIME_LIMIT = 30  # seconds per failing run; a hang fails the test


class BadInput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_bad_")
        cls.dir = cls.tmp.name
        cls.good = cls.path("good.h5")
        rng = np.random.default_rng(2)
        with h5py.File(cls.good, "w") as f:
            f["V"] = rng.uniform(0, 1, (30, 20))
            f["line"] = np.ones(12)
            f["empty"] = np.ones((0, 5))
            f["text"] = np.array([b"a", b"b"]).reshape(1, 2)
            with_nan = rng.uniform(0, 1, (30, 20))
            with_nan[4, 7] = np.nan
            with_nan[9, 1] = np.nan
            with_nan[20, 3] = np.inf
            f["nan"] = with_nan
            with_inf = rng.uniform(0, 1, (30, 20))
            with_inf[12, 5] = np.inf
            with_inf[12, 6] = -np.inf
            f["inf"] = with_inf
        cls.corrupt = cls.path("corrupt.h5")
        with open(cls.good, "rb") as src:
            content = bytearray(src.read())
        content[200:1200] = bytes(rng.integers(0, 256, 1000, dtype=np.uint8))
        with open(cls.corrupt, "wb") as dst:
            dst.write(content)
        cls.truncated = cls.path("truncated.h5")
        with open(cls.truncated, "wb") as dst:
            dst.write(content[: len(content) // 3])
        cls.regular_file = cls.path("plain.txt")
        with open(cls.regular_file, "w") as f:
            f.write("not a directory\n")
        # A checkpoint of the problem (good.h5, rank 4), and a result file.
        cls.checkpoint = cls.path("ck.h5")
        cls.result = cls.path("result.h5")
        cls.run_ok(2, "factorize", "--input", cls.good, "--rank", 4, "--max-iter", 5,
                   "--output", cls.result, "--checkpoint", cls.checkpoint, "--quiet")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.dir, name)

    @staticmethod
    def command(ranks, args):
        return [Paths.mpiexec, "-n", str(ranks), Paths.gridnmf,
                *map(str, args)]

    @classmethod
    def run_ok(cls, ranks, *args):
        subprocess.run(cls.command(ranks, args), check=True, capture_output=True,
                       timeout=120)

    def snapshot(self, untouched=()):
        before = {}
        for p in [self.good, self.checkpoint, self.result, *untouched]:
            with open(p, "rb") as f:
                before[p] = f.read()
        return before

    def attempt(self, ranks, args):
        return subprocess.run(self.command(ranks, args), capture_output=True, text=True,
                              timeout=TIME_LIMIT)

    def assert_fails(self, ranks, args, code, message, never=(), untouched=(), done=None,
                     before=None):
        """exit `code` within TIME_LIMIT, `message` in the only error line,
        no file in `never` (nor its temporary) exists, `untouched` unchanged."""
        before = before or self.snapshot(untouched)
        done = done or self.attempt(ranks, args)
        self.assertEqual(done.returncode, code, done.stderr)
        lines = [l for l in done.stderr.splitlines() if l.startswith("gridnmf: error:")]
        self.assertEqual(len(lines), 1, done.stderr)
        self.assertIn(message, lines[0])
        for p in never:
            self.assertFalse(os.path.exists(p), p)
            self.assertEqual(glob.glob(p + ".*partial") + glob.glob(p + ".*probe"), [], p)
        for p, content in before.items():
            with open(p, "rb") as f:
                self.assertEqual(f.read(), content, p)

    def test_every_case_at_1_and_4_ranks(self):
        out, ck = self.path("never.h5"), self.path("never_ck.h5")
        good = ["--input", self.good, "--rank", 4]
        cases = [
            # input file and dataset
            (["--input", self.good, "--dataset", "line", "--rank", 1], 1,
             f"{self.good}:/line has 1 dimensions"),
            (["--input", self.good, "--dataset", "empty", "--rank", 1], 1,
             f"{self.good}:/empty is empty (0 x 5)"),
            (["--input", self.good, "--dataset", "text", "--rank", 1], 1,
             f"{self.good}:/text is not numeric"),
            (["--input", self.good, "--dataset", "nan", "--rank", 2], 1,
             "/nan has 3 NaN or infinite entries (first at row 4, column 7)"),
            (["--input", self.good, "--dataset", "inf", "--rank", 2], 1,
             "/inf has 2 NaN or infinite entries (first at row 12, column 5)"),
            (["--input", self.corrupt, "--rank", 4], 1, self.corrupt),
            (["--input", self.truncated, "--rank", 4], 1, self.truncated),
            # options
            (good + ["--loss", "hinge"], 2, "unknown --loss 'hinge'"),
            (good + ["--checkpoint-every", 5], 2, "need --checkpoint FILE"),
            (good + ["--resume"], 2, "--resume needs --checkpoint FILE"),
            (good + ["--checkpoint", self.good], 2, "is the input file"),
            (good + ["--checkpoint", out], 2, "is the --output file"),
            (good + ["--checkpoint", ck, "--checkpoint-every", -1], 2,
             "--checkpoint-every must be >= 0"),
            (good + ["--restarts", 3, "--checkpoint", ck], 2,
             "--restarts 3 cannot be combined with --checkpoint"),
            # output and checkpoint locations that cannot be written
            (good + ["--output", os.path.join(self.regular_file, "x.h5")], 2,
             f"--output directory '{self.regular_file}' does not exist"),
            (good + ["--output", "/proc/gridnmf_never.h5"], 2,
             "--output directory '/proc' is not writable"),
            (good + ["--checkpoint", "/proc/gridnmf_never_ck.h5"], 2,
             "--checkpoint directory '/proc' is not writable"),
            # --resume
            (good + ["--checkpoint", ck, "--resume"], 1,
             f"--resume: checkpoint '{ck}' does not exist"),
            (good + ["--checkpoint", self.result, "--resume"], 1,
             f"'{self.result}' is not a usable gridnmf checkpoint"),
            (["--input", self.good, "--rank", 3, "--checkpoint", self.checkpoint, "--resume"], 2,
             "belongs to another problem: --rank was 4, now 3"),
            (good + ["--algorithm", "hals", "--checkpoint", self.checkpoint, "--resume"], 2,
             "--algorithm was bpp, now hals"),  # bpp: the default for frobenius
            (good + ["--l1-h", 0.5, "--checkpoint", self.checkpoint, "--resume"], 2,
             "--l1-h was 0, now 0.5"),
            (good + ["--precision", "float32", "--checkpoint", self.checkpoint, "--resume"], 2,
             "--precision was float64, now float32"),
            (["--input", self.good, "--dataset", "nan", "--rank", 4, "--checkpoint",
              self.checkpoint, "--resume"], 2, "--dataset was V, now nan"),
            # a run without --resume leaves an existing checkpoint alone: it is
            # refused before it reads anything (a failing read never gets to it)
            (["--input", self.good, "--dataset", "nan", "--rank", 4, "--checkpoint",
              self.checkpoint, "--checkpoint-every", 1], 2, "already exists: pass --resume"),
        ]
        runs = [(ranks, ["factorize", *extra] + ([] if "--output" in extra else ["--output", out]),
                 code, message) for ranks in (1, 4) for extra, code, message in cases]
        before = self.snapshot()
        # Three at a time: most of each run is mpiexec start-up, not work.
        with ThreadPoolExecutor(max_workers=3) as pool:
            results = list(pool.map(lambda r: self.attempt(r[0], r[1]), runs))
        for (ranks, args, code, message), done in zip(runs, results):
            with self.subTest(ranks=ranks, args=args):
                self.assert_fails(ranks, args, code, message, never=[out, ck], done=done,
                                  before=before)

    def test_another_input_file_is_refused(self):
        other = self.path("other.h5")
        with open(self.good, "rb") as src, open(other, "wb") as dst:
            dst.write(src.read())
        out = self.path("never2.h5")
        self.assert_fails(4, ["factorize", "--input", other, "--rank", 4, "--output", out,
                              "--checkpoint", self.checkpoint, "--resume"], 2,
                          f"--input was {self.good}, now {other}", never=[out])


if __name__ == "__main__":
    harness.main()
