#!/usr/bin/env bash
# Installs what gridnmf needs on Debian 12 (as root, idempotent: apt-get runs
# only when a package is missing), then configures and builds into build/.
# --with-slurm also installs Slurm and munge for the job-script test.
set -euo pipefail
cd "$(dirname "$0")/.."

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
if [ "${1:-}" = --with-slurm ]; then
  packages+=(slurmctld slurmd slurm-client munge)
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

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release > build.log 2>&1 || { cat build.log; exit 1; }
cmake --build build -j "$(nproc)" >> build.log 2>&1 || { tail -50 build.log; exit 1; }
rm -f build.log
echo "setup: built build/gridnmf"
