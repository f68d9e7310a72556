"""What the end-to-end test files share: where gridnmf and mpiexec are, from
the command line ctest passes, and how unittest is started."""
import argparse
import sys
import unittest


class Paths:
    """Filled in by main() before any test runs."""
    gridnmf = None
    mpiexec = "mpiexec"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gridnmf", required=True)
    parser.add_argument("--mpiexec", default="mpiexec")
    args, rest = parser.parse_known_args()
    Paths.gridnmf, Paths.mpiexec = args.gridnmf, args.mpiexec
    unittest.main(module="__main__", argv=[sys.argv[0], "-v", *rest])
