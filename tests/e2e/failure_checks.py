"""What the tests of failing runs share (issue 16's properties): run gridnmf
under mpiexec with a time limit, then assert the exit code, exactly one
"gridnmf: error:" line holding given parts, the time, that no output or
temporary file was left, and that inputs are byte for byte as they were."""
import glob
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

from harness import Paths

TIME_LIMIT = 30  # seconds per failing run
WORKERS = 3      # most of a failing run is mpiexec start-up, not work


def command(ranks, args):
    return [Paths.mpiexec, "-n", str(ranks), "--oversubscribe", Paths.gridnmf, *map(str, args)]


def attempt(ranks, args, env=None):
    """Runs gridnmf once; returns (completed process, seconds)."""
    started = time.monotonic()
    done = subprocess.run(command(ranks, args), capture_output=True, text=True,
                          errors="backslashreplace", timeout=TIME_LIMIT + 30,
                          env={**os.environ, **(env or {})})
    return done, time.monotonic() - started


def attempt_all(cases, env=None):
    """Runs (ranks, args[, env]) cases WORKERS at a time; returns the outcomes."""
    def one(case):
        return attempt(case[0], case[1], {**(env or {}), **(case[2] if len(case) > 2 else {})})
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(one, cases))


def snapshot(paths):
    contents = {}
    for p in paths:
        with open(p, "rb") as f:
            contents[p] = f.read()
    return contents


def error_lines(done):
    return [l for l in done.stderr.splitlines() if l.startswith("gridnmf: error:")]


def assert_failed(test, outcome, code, *parts, before=None, never=()):
    """One failing run: exit `code`, one error line with every part, in time,
    no file of `never` (nor a temporary of it), inputs unchanged."""
    done, seconds = outcome
    test.assertEqual(done.returncode, code, done.stderr)
    test.assertLess(seconds, TIME_LIMIT)
    lines = error_lines(done)
    test.assertEqual(len(lines), 1, done.stderr)
    for part in parts:
        test.assertIn(str(part), lines[0])
    test.assertNotIn("internal error", done.stderr)
    for p in never:
        test.assertFalse(os.path.exists(p), p)
        test.assertEqual(glob.glob(p + ".*partial"), [], p)
    for p, content in (before or {}).items():
        with open(p, "rb") as f:
            test.assertEqual(f.read(), content, p)
