#!/usr/bin/env bash
# Installs what is missing (Slurm and munge too, for the job-script test),
# builds, and runs the whole test suite with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-slurm
source scripts/mpi_env.sh
ctest --test-dir build --output-on-failure --timeout 900 "$@"
