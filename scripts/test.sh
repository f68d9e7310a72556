#!/usr/bin/env bash
# CI: installs what is missing (Slurm and munge for the job-script test, MPICH
# and BLIS for the second pass), builds, runs the whole test suite with ctest
# on build/ (Open MPI + OpenBLAS), then the reduced suite (label "variant":
# the MPI tests and a few end-to-end tests) on build-mpich/ (MPICH) and
# build-blis/ (BLIS + libflame). Extra arguments go to the first ctest only and
# skip the second pass (e.g. bash scripts/test.sh -R mpi); GRIDNMF_VARIANTS=0
# skips it too.
set -euo pipefail
cd "$(dirname "$0")/.."
variants=${GRIDNMF_VARIANTS:-1}
[ $# -gt 0 ] && variants=0
start=$SECONDS
if [ "$variants" = 1 ]; then
  bash scripts/setup.sh --with-slurm --with-variants
else
  bash scripts/setup.sh --with-slurm
fi
echo "test: builds took $((SECONDS - start)) s"
source scripts/mpi_env.sh
start=$SECONDS
# Every pass runs even when an earlier one failed; the exit status says
# whether all passed.
status=0
ctest --test-dir build --output-on-failure --timeout 900 "$@" || status=1
echo "test: full suite (Open MPI + OpenBLAS) took $((SECONDS - start)) s"
if [ "$variants" = 1 ]; then
  for dir in build-mpich build-blis; do
    start=$SECONDS
    ctest --test-dir "$dir" --output-on-failure --timeout 900 -L variant || status=1
    echo "test: reduced suite in $dir took $((SECONDS - start)) s"
  done
fi
exit "$status"
