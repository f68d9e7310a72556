#!/usr/bin/env bash
# Installs what gridnmf needs on Debian 12 (as root, idempotent: apt-get runs
# only when a package is missing), then configures and builds into build/
# (Open MPI + OpenBLAS, tests and benchmarks on).
#   --with-slurm     also installs Slurm and munge for the job-script test
#   --with-variants  also installs MPICH and BLIS (+ libflame) and builds
#                    build-mpich/ (MPICH, its HDF5 and ScaLAPACK, OpenBLAS:
#                    the gridnmf executable and the MPI tests) and
#                    build-blis/ (Open MPI, BLA_VENDOR=FLAME: BLIS + libflame;
#                    the MPI tests only)
# On any other system, see "Build on a cluster" in README.md.
set -euo pipefail
cd "$(dirname "$0")/.."

with_slurm=0
with_variants=0
for argument in "$@"; do
  case "$argument" in
    --with-slurm) with_slurm=1 ;;
    --with-variants) with_variants=1 ;;
    *) echo "setup: unknown option '$argument' (--with-slurm, --with-variants)" >&2; exit 2 ;;
  esac
done

packages=(
  g++ make cmake pkg-config
  openmpi-bin libopenmpi-dev
  libhdf5-openmpi-dev hdf5-tools
  libopenblas-dev libscalapack-openmpi-dev
  libboost-program-options-dev
  zlib1g-dev
  libgtest-dev
  python3-h5py python3-numpy python3-sklearn python3-matplotlib
)
if [ "$with_slurm" = 1 ]; then
  packages+=(slurmctld slurmd slurm-client munge)
fi
if [ "$with_variants" = 1 ]; then
  # Side by side with Open MPI: Debian's alternatives keep mpicc, mpiexec and
  # h5pcc on Open MPI (higher priority); the MPICH build names its own tools.
  packages+=(mpich libmpich-dev libhdf5-mpich-dev libscalapack-mpich-dev libblis-dev libflame-dev)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -q
  apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
fi

# build DIR [cmake options...] -- [targets...]: configure and build, the log
# shown only on failure.
build() {
  local dir=$1; shift
  local options=() targets=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do options+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  targets=("$@")
  local log="$dir.log"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DGRIDNMF_BUILD_TESTS=ON "${options[@]}" \
    > "$log" 2>&1 || { cat "$log"; exit 1; }
  local target_options=()
  for target in "${targets[@]}"; do target_options+=(--target "$target"); done
  cmake --build "$dir" -j "$(nproc)" "${target_options[@]}" >> "$log" 2>&1 ||
    { tail -50 "$log"; exit 1; }
  rm -f "$log"
  echo "setup: built $dir"
}

build build -DGRIDNMF_BUILD_BENCH=ON
if [ "$with_variants" = 1 ]; then
  # Only what the reduced suites run (ctest -L variant): with MPICH the
  # executable and the MPI tests, with BLIS the MPI tests alone.
  build build-mpich -DMPI_C_COMPILER=/usr/bin/mpicc.mpich -DMPI_CXX_COMPILER=/usr/bin/mpicxx.mpich \
    -DMPIEXEC_EXECUTABLE=/usr/bin/mpiexec.mpich -DHDF5_C_COMPILER_EXECUTABLE=/usr/bin/h5pcc.mpich \
    -- gridnmf gridnmf_mpi_tests
  build build-blis -DBLA_VENDOR=FLAME -- gridnmf_mpi_tests
fi
