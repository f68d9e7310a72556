#!/usr/bin/python3
"""Fault injection: a job with frequent checkpoints is killed with SIGKILL
(mpiexec and every rank at once) at random moments, some of them inside a
checkpoint write, and requeued with --resume each time, like a batch system
would. After every kill the checkpoint on disk must load, and the run that
finally completes must end with the uninterrupted run's W and H, bitwise."""
import glob
import os
import random
import tempfile
import time
import unittest

import h5py
import numpy as np

import harness
from checkpoint_helpers import Job, assert_same_result, run

KILLS = 12
ITERATIONS = 400  # far more than the killed jobs reach
# Test hook: every checkpoint write holds its complete temporary file this long
# before the rename, so a fair share of the kills land inside a write.
WRITE_DELAY = "0.05"


class FaultInjection(unittest.TestCase):
    def test_kill_9_at_random_moments_then_resume_gives_the_uninterrupted_result(self):
        seed = int(os.environ.get("GRIDNMF_FAULT_SEED", time.time_ns() % 100000))
        print(f"fault injection seed {seed} (set GRIDNMF_FAULT_SEED to repeat)")
        rng = random.Random(seed)
        with tempfile.TemporaryDirectory(prefix="gridnmf_fault_") as tmp:
            data, checkpoint, out, reference = (os.path.join(tmp, n) for n in
                                                ("v.h5", "ck.h5", "out.h5", "reference.h5"))
            run(2, "generate", "--rows", 60, "--cols", 45, "--rank", 4, "--noise", 0.05,
                "--output", data)
            problem = ["factorize", "--input", data, "--rank", 4, "--algorithm", "hals",
                       "--tol", 0, "--max-iter", ITERATIONS]
            run(2, *problem, "--output", reference, "--quiet")

            kills = during_write = 0
            last_iteration = 0
            while kills < KILLS:
                resume = ["--resume"] if os.path.exists(checkpoint) else []
                job = Job(2, *problem, "--checkpoint", checkpoint, "--checkpoint-every", 2,
                          "--output", out, "--print-every", 1, *resume,
                          env={"GRIDNMF_TEST_CHECKPOINT_DELAY": WRITE_DELAY})
                job.wait_for_line("iter ")  # iterating: start-up time varies a lot
                time.sleep(rng.uniform(0.0, 1.2))
                job.kill_job()
                code, _, stderr = job.finish()
                self.assertNotEqual(code, 0, f"the job finished before kill {kills + 1}; "
                                             f"raise ITERATIONS\n{stderr}")
                kills += 1
                partial = glob.glob(checkpoint + ".*partial")
                if partial:  # killed between creating the temporary file and the rename
                    during_write += 1
                    for p in partial:
                        os.remove(p)
                if os.path.exists(checkpoint):
                    last_iteration = self.assert_loads(checkpoint, last_iteration)
            print(f"{kills} kills, {during_write} during a checkpoint write, "
                  f"last checkpoint at iteration {last_iteration}")
            self.assertGreater(during_write, 0, "no kill landed inside a checkpoint write")

            # The last requeue runs to the end (without frequent checkpoints: quick).
            resume = ["--resume"] if os.path.exists(checkpoint) else []
            run(2, *problem, "--checkpoint", checkpoint, "--output", out, "--quiet", *resume)
            assert_same_result(self, out, reference)

    def assert_loads(self, checkpoint, previous_iteration):
        """The checkpoint is complete and never goes back in time."""
        with h5py.File(checkpoint, "r") as f:
            self.assertEqual(f.attrs["format"], "gridnmf checkpoint")
            iteration = int(f.attrs["iterations"])
            self.assertEqual(f["W"].shape, (60, 4))
            self.assertEqual(f["H"].shape, (4, 45))
            self.assertTrue(np.isfinite(f["W"][...]).all() and np.isfinite(f["H"][...]).all())
            self.assertEqual(len(f["history/objective"]), iteration)
        self.assertGreaterEqual(iteration, previous_iteration)
        return iteration


if __name__ == "__main__":
    harness.main()
