#!/usr/bin/env bash
# The strong-scaling study through a real (private, single-node) Slurm cluster:
# starts munged, slurmctld and slurmd (tests/slurm/cluster.sh, all files in a
# temporary folder), submits jobs/strong_scaling.sbatch, waits, stops the
# daemons, and summarizes the reports with scripts/scaling_report.py.
# Needs root, a built gridnmf, and Slurm + munge (bash scripts/setup.sh --with-slurm).
#
#   bash scripts/slurm_scaling_study.sh                 # 1, 2, 4 ranks, 6000 x 6000, k = 64
#   ROWS=2000 COLS=2000 K=32 POINTS="1 2 4" bash scripts/slurm_scaling_study.sh
#
# Environment: STUDY (output folder, default slurm_study; its old reports are
# removed), ROWS, COLS, K, POINTS (as in jobs/strong_scaling.sbatch; the
# largest rank count sizes the allocation), CPUS (processors the node
# advertises, default: the largest rank count, so 4 ranks oversubscribe 2
# cores), GRIDNMF (default build/gridnmf), EXTRA (factorize options, e.g.
# "--max-iter 50"), WAIT_SECONDS (default 3600). Timings belong on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tests/slurm/cluster.sh
source tests/slurm/cluster.sh

STUDY=${STUDY:-slurm_study}
POINTS=${POINTS:-1 2 4}
ROWS=${ROWS:-6000}
COLS=${COLS:-6000}
K=${K:-64}
GRIDNMF=$(realpath "${GRIDNMF:-build/gridnmf}")
WAIT_SECONDS=${WAIT_SECONDS:-3600}

lacking=$(slurm_cluster_missing)
if [ -n "$lacking" ]; then
  echo "slurm_scaling_study: cannot run a Slurm cluster here: missing $lacking" >&2
  exit 1
fi
[ -x "$GRIDNMF" ] || { echo "slurm_scaling_study: no executable $GRIDNMF (build first)" >&2; exit 1; }

read -r -a points <<< "$POINTS"
max_ranks=1
for point in "${points[@]}"; do
  ranks=${point%%:*}
  [ "$ranks" -gt "$max_ranks" ] && max_ranks=$ranks
done
CPUS=${CPUS:-$max_ranks}

cluster=$(mktemp -d /tmp/gridnmf-study-cluster.XXXXXX)
chmod 0755 "$cluster"  # munged wants every folder above its socket searchable
trap 'slurm_cluster_stop "$cluster"; rm -rf "$cluster"' EXIT
trap 'exit 130' INT TERM HUP  # through the EXIT trap: the daemons are stopped
slurm_cluster_start "$cluster" "$CPUS"

mkdir -p "$STUDY"
STUDY=$(realpath "$STUDY")
rm -f "$STUDY"/report_*.json
echo "slurm_scaling_study: $ROWS x $COLS, k = $K, points: $POINTS -> $STUDY"
# sbatch hands the job this environment.
export STUDY POINTS ROWS COLS K GRIDNMF
export CONFIG=$PWD/configs/scaling.ini OMPI_MCA_mpi_yield_when_idle=1
job=$(sbatch --parsable --array="0-$((${#points[@]} - 1))%1" --ntasks="$max_ranks" \
  --time=60 --output="$STUDY/slurm-%A_%a.out" jobs/strong_scaling.sbatch)
job=${job%%;*}
echo "slurm_scaling_study: submitted array job $job"
slurm_wait_job "$job" "$WAIT_SECONDS"
states=$(scontrol -o show job "$job" |
  sed -n 's/.*ArrayTaskId=\([0-9]*\) .*JobState=\([A-Z_]*\) .*ExitCode=\([0-9:]*\).*/task \1: \2 exit \3/p')
echo "$states"

/usr/bin/python3 scripts/scaling_report.py "$STUDY" \
  --title "gridnmf strong scaling, $ROWS x $COLS, k = $K (Slurm, $CPUS CPUs advertised)"
if grep -qv 'COMPLETED exit 0:0' <<< "$states"; then
  echo "slurm_scaling_study: some points failed; see $STUDY/slurm-${job}_*.out" >&2
  exit 1
fi
