"""What the checkpoint tests share: starting gridnmf under a real mpiexec in
its own process group, waiting for a progress line, signalling, and comparing
result files."""
import os
import signal
import subprocess
import time

import h5py
import numpy as np

from harness import Paths

TIMEOUT = 120  # seconds; a hang fails the test instead of the whole suite


def command(ranks, *args):
    return [Paths.mpiexec, "-n", str(ranks), Paths.gridnmf, *map(str, args)]


def run(ranks, *args, expect=0, env=None):
    """Runs gridnmf to completion; returns the completed process."""
    full = command(ranks, *args)
    done = subprocess.run(full, capture_output=True, text=True, timeout=TIMEOUT,
                          env={**os.environ, **(env or {})})
    if expect is not None and done.returncode != expect:
        raise AssertionError(f"{' '.join(full)} exited {done.returncode}, expected {expect}\n"
                             f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}")
    return done


class Job:
    """gridnmf under mpiexec in a new session (its own process group), so the
    whole job can be signalled or killed like a batch system does."""

    def __init__(self, ranks, *args, env=None):
        self.process = subprocess.Popen(command(ranks, *args), stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True,
                                        start_new_session=True,
                                        env={**os.environ, **(env or {})})
        self.lines = []

    def wait_for_line(self, text, timeout=60):
        """Reads stdout until a line containing `text`; fails on exit or timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError(f"job ended before printing {text!r}:\n"
                                     + "".join(self.lines) + self.process.stderr.read())
            self.lines.append(line)
            if text in line:
                return line
        raise AssertionError(f"no {text!r} within {timeout} s")

    def rank_pids(self):
        """The gridnmf processes mpiexec started (its direct children)."""
        children = f"/proc/{self.process.pid}/task/{self.process.pid}/children"
        with open(children) as f:
            return [int(p) for p in f.read().split()]

    def signal_ranks(self, signo):
        for pid in self.rank_pids():
            os.kill(pid, signo)

    def signal_mpiexec(self, signo):
        os.kill(self.process.pid, signo)

    def session_pids(self):
        """mpiexec and every rank: Open MPI puts each rank in a process group
        of its own, but they stay in the session started for mpiexec."""
        pids = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == self.process.pid:  # the session id
                pids.append(int(entry))
        return pids

    def kill_job(self):
        """kill -9 of the whole job at once: mpiexec and every rank."""
        for pid in self.session_pids():
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def finish(self, timeout=TIMEOUT):
        """Waits for the end; returns (exit code, stdout, stderr)."""
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, "".join(self.lines) + out, err


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def factors(path):
    with h5py.File(path, "r") as f:
        return f["W"][...], f["H"][...], dict(f.attrs), f["history/objective"][...]


def assert_same_result(test, path, reference, rtol=0.0):
    """W, H and the objective history of `path` equal `reference`'s: bitwise
    when rtol is 0, else to rtol relative to the largest entry."""
    w, h, _, objective = factors(path)
    w_ref, h_ref, _, objective_ref = factors(reference)
    if rtol == 0.0:
        np.testing.assert_array_equal(w, w_ref)
        np.testing.assert_array_equal(h, h_ref)
        np.testing.assert_array_equal(objective, objective_ref)
    else:
        test.assertLess(np.abs(w - w_ref).max() / np.abs(w_ref).max(), rtol)
        test.assertLess(np.abs(h - h_ref).max() / np.abs(h_ref).max(), rtol)
        np.testing.assert_allclose(objective, objective_ref, rtol=rtol)
