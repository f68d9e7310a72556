#!/usr/bin/env bash
# The main job on a built-in default: generate a noisy rank-16 matrix
# (2000 x 1500), factorize it with HALS on 2 ranks, and print the result.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/mpi_env.sh

out=${GRIDNMF_DEMO_DIR:-demo_output}
mkdir -p "$out"
mpiexec -n 2 build/gridnmf generate --rows 2000 --cols 1500 --rank 16 --noise 0.05 \
  --seed 1 --output "$out/problem.h5"
mpiexec -n 2 build/gridnmf factorize --input "$out/problem.h5" --rank 16 --algorithm hals \
  --max-iter 1000 --tol 1e-6 --print-every 100 --output "$out/result.h5"
/usr/bin/python3 scripts/summarize_result.py "$out/result.h5" "$out/problem.h5"
