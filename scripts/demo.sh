#!/usr/bin/env bash
# The main job on a built-in default: generate a synthetic hyperspectral scene
# (120 x 100 pixels, 120 bands, 4 endmembers, 30 dB noise), unmix it on 2
# ranks with the unmixing defaults, print the evaluation against the scene's
# truth and draw the abundance maps and spectra.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/mpi_env.sh

out=${GRIDNMF_DEMO_DIR:-demo_output}
mkdir -p "$out"
rm -f "$out/scene.h5" "$out/unmixing.h5" "$out/evaluation.json"
mpiexec -n 2 build/gridnmf generate --kind hyperspectral --rows 120 --cols 100 --bands 120 \
  --endmembers 4 --noise 30 --seed 1 --output "$out/scene.h5"
mpiexec -n 2 build/gridnmf unmix --input "$out/scene.h5" --endmembers 4 --print-every 50 \
  --output "$out/unmixing.h5"
mpiexec -n 1 build/gridnmf evaluate --result "$out/unmixing.h5" --truth "$out/scene.h5" \
  --json "$out/evaluation.json"
/usr/bin/python3 scripts/plot_unmixing.py --result "$out/unmixing.h5" --truth "$out/scene.h5" \
  --evaluation "$out/evaluation.json" --output-dir "$out/maps"
echo "pictures: $out/maps/ (abundance_<e>_<name>.png per endmember, spectra.png)"
