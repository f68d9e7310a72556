#!/usr/bin/python3
"""Checkpoint/restart of the gridnmf executable under a real mpiexec: a
resumed run ends with the uninterrupted run's W and H (bitwise on the same
grid), signals stop every rank with exit code 75 after saving, a second signal
exits at once without touching the previous checkpoint, a non-finite iterate
keeps the last checkpoint and writes no result, and a write failure on one rank
aborts every rank instead of hanging."""
import glob
import os
import signal
import tempfile
import time
import unittest

import h5py
import numpy as np

import harness
from checkpoint_helpers import Job, assert_same_result, factors, read_bytes, run

SIGNAL_ITERATIONS = 300  # far more than the job runs before it is signalled


class Checkpoint(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_ckpt_")
        cls.dir = cls.tmp.name
        cls.input = cls.path("v.h5")
        run(2, "generate", "--rows", 120, "--cols", 90, "--rank", 6, "--noise", 0.05,
            "--seed", 4, "--output", cls.input)
        cls.references = {}

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.dir, name)

    def problem(self, *extra):
        return ["factorize", "--input", self.input, "--rank", 6, "--tol", 0, *extra]

    def reference(self, ranks, iterations, *extra):
        """The uninterrupted run, computed once per configuration."""
        key = (ranks, iterations, extra)
        if key not in self.references:
            out = self.path(f"reference_{len(self.references)}.h5")
            run(ranks, *self.problem("--max-iter", iterations, *extra), "--output", out, "--quiet")
            self.references[key] = out
        return self.references[key]

    def test_resume_equals_uninterrupted_bitwise(self):
        # Every algorithm and loss at 1-4 ranks: tests/mpi/test_checkpoint_resume.cpp.
        for ranks, extra in ((1, ("--algorithm", "bpp", "--pg-tol", "1e-9")),
                             (2, ("--loss", "kl")), (4, ("--algorithm", "hals"))):
            with self.subTest(ranks=ranks, extra=extra):
                checkpoint, part, resumed = (self.path(f"{n}_{ranks}_{len(extra)}.h5")
                                             for n in ("ck", "part", "resumed"))
                # Stops at --max-iter 15: the final checkpoint holds iteration 15.
                run(ranks, *self.problem("--max-iter", 15, *extra), "--output", part,
                    "--checkpoint", checkpoint, "--checkpoint-every", 4, "--quiet")
                with h5py.File(checkpoint, "r") as f:
                    self.assertEqual(f.attrs["format"], "gridnmf checkpoint")
                    self.assertEqual(f.attrs["iterations"], 15)
                    # Dense KL records iteration 1, every tenth and the last.
                    recorded = [1, 10, 15] if "kl" in extra else list(range(1, 16))
                    self.assertEqual(list(f["history/iteration"][...]), recorded)
                np.testing.assert_array_equal(factors(checkpoint)[0], factors(part)[0])
                done = run(ranks, *self.problem("--max-iter", 40, *extra), "--output", resumed,
                           "--checkpoint", checkpoint, "--resume")
                self.assertIn("resuming from", done.stdout)
                assert_same_result(self, resumed, self.reference(ranks, 40, *extra))
                self.assertEqual(glob.glob(checkpoint + ".*partial"), [])

    def test_resume_on_another_grid_and_rank_count(self):
        checkpoint = self.path("ck_grid.h5")
        run(2, *self.problem("--max-iter", 15, "--grid", "2x1"), "--output", self.path("g.h5"),
            "--checkpoint", checkpoint, "--quiet")
        for ranks, grid in ((4, "2x2"), (1, "1x1")):
            with self.subTest(grid=grid):
                out = self.path(f"grid_{grid}.h5")
                run(ranks, *self.problem("--max-iter", 40, "--grid", grid), "--output", out,
                    "--checkpoint", checkpoint, "--resume", "--quiet")
                assert_same_result(self, out, self.reference(2, 40, "--grid", "2x1"), rtol=1e-10)
                with h5py.File(out, "r") as f:
                    self.assertEqual(f.attrs["grid"], grid)
                    self.assertEqual(f.attrs["iterations"], 40)

    def interrupted_then_resumed(self, ranks, deliver, expect_code, env=None):
        """Runs with a checkpoint every 25 iterations, delivers a signal after
        the first, checks what was saved, resumes, and compares with the
        uninterrupted run."""
        checkpoint, out, resumed = (self.path(f"{n}_{deliver.__name__}.h5")
                                    for n in ("sig_ck", "sig_out", "sig_resumed"))
        common = self.problem("--max-iter", SIGNAL_ITERATIONS, "--checkpoint", checkpoint)
        job = Job(ranks, *common, "--checkpoint-every", 25, "--print-every", 0,
                  "--output", out, env=env)
        job.wait_for_line("checkpoint: iteration 25 ")
        deliver(job)
        code, stdout, stderr = job.finish()
        self.assertEqual(code, expect_code, stderr)
        with h5py.File(out, "r") as f:
            self.assertEqual(f.attrs["stop_reason"], "interrupted")
            self.assertEqual(f.attrs["converged"], 0)
            stopped_at = f.attrs["iterations"]
        self.assertLess(stopped_at, SIGNAL_ITERATIONS)
        with h5py.File(checkpoint, "r") as f:
            self.assertEqual(f.attrs["iterations"], stopped_at)
        run(ranks, *common, "--resume", "--output", resumed, "--quiet")
        assert_same_result(self, resumed, self.reference(ranks, SIGNAL_ITERATIONS))
        return stderr

    def test_sigterm_to_every_rank_exits_75_and_resumes(self):
        # What Slurm does at a time limit or preemption: SIGTERM to every task.
        def sigterm_ranks(job):
            job.signal_ranks(signal.SIGTERM)
        stderr = self.interrupted_then_resumed(2, sigterm_ranks, 75)
        lines = [l for l in stderr.splitlines() if l.startswith("gridnmf: stopped by SIGTERM")]
        self.assertEqual(len(lines), 1, stderr)
        self.assertIn("rerun with --resume", lines[0])

    def test_sigusr1_to_mpiexec_is_forwarded_and_exits_75(self):
        def sigusr1_mpiexec(job):
            job.signal_mpiexec(signal.SIGUSR1)
        self.interrupted_then_resumed(4, sigusr1_mpiexec, 75)

    def test_sigterm_to_mpiexec_reaches_the_ranks_late_and_exits_1(self):
        # Open MPI's mpiexec does not forward SIGTERM/SIGINT: it waits
        # odls_base_sigkill_timeout seconds (default 1), sends SIGTERM to the
        # ranks (each in its own process group), kills them that long later,
        # and exits 1 whatever they returned. The ranks still save if the
        # timeout leaves them time; job scripts look at the files (README).
        # mpiexec stops reading the ranks' output when it gets the signal, so
        # checkpoint lines are kept rare: a full pipe would block rank 0.
        checkpoint, out = self.path("mpiexec_ck.h5"), self.path("mpiexec_out.h5")
        common = self.problem("--checkpoint", checkpoint)
        job = Job(2, *common, "--max-iter", 1000000, "--checkpoint-every", 2000,
                  "--print-every", 0, "--output", out,
                  env={"OMPI_MCA_odls_base_sigkill_timeout": "5"})
        job.wait_for_line("checkpoint: iteration 2000 ")
        job.signal_mpiexec(signal.SIGTERM)
        code, _, stderr = job.finish()
        self.assertEqual(code, 1, stderr)
        self.assertIn("gridnmf: stopped by SIGTERM", stderr)
        with h5py.File(out, "r") as f:
            self.assertEqual(f.attrs["stop_reason"], "interrupted")
            stopped_at = int(f.attrs["iterations"])
        with h5py.File(checkpoint, "r") as f:
            self.assertEqual(f.attrs["iterations"], stopped_at)
        resumed = self.path("mpiexec_resumed.h5")
        run(2, *common, "--max-iter", stopped_at + 5, "--resume", "--output", resumed, "--quiet")
        with h5py.File(resumed, "r") as f:
            self.assertEqual(f.attrs["iterations"], stopped_at + 5)

    def test_second_signal_exits_at_once_and_keeps_the_previous_checkpoint(self):
        checkpoint, out = self.path("twice_ck.h5"), self.path("twice_out.h5")
        job = Job(2, *self.problem("--max-iter", SIGNAL_ITERATIONS, "--checkpoint", checkpoint,
                                   "--checkpoint-every", 25, "--print-every", 0,
                                   "--output", out),
                  env={"GRIDNMF_TEST_CHECKPOINT_DELAY": "3"})  # each write holds for 3 s
        job.wait_for_line("checkpoint: iteration 25 ")
        before = read_bytes(checkpoint)
        job.signal_ranks(signal.SIGTERM)  # stop after this iteration, writing a checkpoint
        time.sleep(1.0)                   # ... which is held for 3 s before its rename
        job.signal_ranks(signal.SIGTERM)
        code, _, stderr = job.finish()
        self.assertEqual(code, 128 + signal.SIGTERM, stderr)
        self.assertFalse(os.path.exists(out))
        # The stop's own write never lands. On a loaded machine the first
        # signal can reach the ranks inside the periodic write of iteration
        # 50 (it ends that write's hold early); that complete checkpoint may
        # then be the one kept. Either way it is a periodic one and loads.
        with h5py.File(checkpoint, "r") as f:
            kept = int(f.attrs["iterations"])
            self.assertEqual(f["W"].shape, (120, 6))
        self.assertIn(kept, (25, 50))
        if kept == 25:
            self.assertEqual(read_bytes(checkpoint), before)

    def test_non_finite_iterate_keeps_the_checkpoint_and_writes_no_result(self):
        # float32 overflow: the checkpoint's factors scaled by 1e19 (still
        # finite; V is unchanged, so its fingerprint matches) overflow W^T W in
        # the first iteration after the resume. (Data far from 1 no longer
        # overflows: gridnmf scales it, see test_extreme_scales.py.)
        data = self.path("overflow.h5")
        with h5py.File(self.input, "r") as f:
            v = f["V"][...]
        with h5py.File(data, "w") as f:
            f["V"] = v
        checkpoint = self.path("overflow_ck.h5")
        run(2, "factorize", "--input", data, "--rank", 6, "--precision", "float32",
            "--max-iter", 5, "--tol", 0, "--output", self.path("ok32.h5"), "--checkpoint",
            checkpoint, "--quiet")
        with h5py.File(checkpoint, "r+") as f:
            f["W"][...] = f["W"][...] * np.float32(1e19)
            f["H"][...] = f["H"][...] * np.float32(1e19)
        before = read_bytes(checkpoint)
        out = self.path("overflow_out.h5")
        for ranks in (1, 4):
            done = run(ranks, "factorize", "--input", data, "--rank", 6, "--precision",
                       "float32", "--max-iter", 50, "--tol", 0, "--output", out,
                       "--checkpoint", checkpoint, "--checkpoint-every", 1, "--resume",
                       "--quiet", expect=1)
            lines = [l for l in done.stderr.splitlines() if l.startswith("gridnmf: error:")]
            self.assertEqual(len(lines), 1, done.stderr)
            self.assertIn("iteration 6 produced a non-finite value", lines[0])
            self.assertEqual(read_bytes(checkpoint), before)
            self.assertFalse(os.path.exists(out))
            self.assertEqual(glob.glob(out + ".*partial") + glob.glob(checkpoint + ".*partial"), [])

    def test_write_failure_on_one_rank_aborts_every_rank_and_keeps_the_checkpoint(self):
        checkpoint = self.path("fail_ck.h5")
        run(4, *self.problem("--max-iter", 3), "--output", self.path("fail_ok.h5"),
            "--checkpoint", checkpoint, "--quiet")
        before = read_bytes(checkpoint)
        out = self.path("fail_out.h5")
        done = run(4, *self.problem("--max-iter", 20), "--output", out, "--checkpoint",
                   checkpoint, "--resume", "--checkpoint-every", 2, "--quiet", expect=1,
                   env={"GRIDNMF_TEST_CHECKPOINT_FAIL_RANK": "2"})
        self.assertIn("writing checkpoint", done.stderr)
        self.assertIn("failed on rank 2", done.stderr)
        self.assertEqual(read_bytes(checkpoint), before)
        self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    harness.main()
