"""What the end-to-end test files share: where gridnmf and mpiexec are, from
the command line ctest passes, and how unittest is started."""
import argparse
import subprocess
import sys
import unittest

import h5py


class Paths:
    """Filled in by main() before any test runs."""
    gridnmf = None
    mpiexec = "mpiexec"


def run_gridnmf(ranks, *args, expect=0, timeout=300):
    """Runs gridnmf on `ranks` ranks; fails with both outputs unless it exits
    with `expect` (None: any code)."""
    command = [Paths.mpiexec, "-n", str(ranks), Paths.gridnmf, *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if expect is not None and done.returncode != expect:
        raise AssertionError(
            f"{' '.join(command)} exited {done.returncode}, expected {expect}\n"
            f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}")
    return done


def error_line(done):
    """The one 'gridnmf: error:' line a failed run must print."""
    lines = [l for l in done.stderr.splitlines() if l.startswith("gridnmf: error:")]
    assert len(lines) == 1, done.stderr
    return lines[0]


def factors(path):
    with h5py.File(path, "r") as f:
        return f["W"][...], f["H"][...]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gridnmf", required=True)
    parser.add_argument("--mpiexec", default="mpiexec")
    args, rest = parser.parse_known_args()
    Paths.gridnmf, Paths.mpiexec = args.gridnmf, args.mpiexec
    unittest.main(module="__main__", argv=[sys.argv[0], "-v", *rest])
