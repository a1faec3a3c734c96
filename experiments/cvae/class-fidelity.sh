#!/usr/bin/env bash
# How often the conditional VAE's samples of a class are recognised as that class, by latent size: trains
# recipes/cvae-784-400-2.json with z of 2, 8 and 20 dimensions (everything else as in the recipe), draws 100 samples
# of each class with `ae generate --class`, and labels them with a small MLP (scikit-learn, 784-128-10) trained on
# MNIST test digits 6,000-9,999. Prints one line per latent size. Usage, from the repository root after a build:
#   AE_DATA_PATH=/work/shared/datasets experiments/cvae/class-fidelity.sh [OUT_DIR]
# OUT_DIR (default: a new temporary folder) receives the runs and samples; nothing is written in the repository.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ae=(dotnet "$root/src/AutoEncoders.Cli/bin/Release/net10.0/ae.dll")
out=${1:-$(mktemp -d)}
mkdir -p "$out"
export AE_THREADS=${AE_THREADS:-1}
runs=()
for latent in 2 8 20; do
  sed "s/\"layers\": \[784, 400, 2\]/\"layers\": [784, 400, $latent]/" "$root/recipes/cvae-784-400-2.json" > "$out/cvae-latent$latent.json"
  "${ae[@]}" train --recipe "$out/cvae-latent$latent.json" -o "$out" --name "latent$latent" --progress lines > "$out/latent$latent.log"
  run=$(ls -d "$out"/latent"$latent"-* | tail -n 1)
  for class in 0 1 2 3 4 5 6 7 8 9; do
    "${ae[@]}" generate "$run" --class "$class" --count 100 --seed 3 -o "$run/class$class.png" --values "$run/class$class.npy" > /dev/null
  done
  grep '^test' "$out/latent$latent.log" | cut -c1-160
  runs+=("$run")
done
/usr/bin/python3 "$root/experiments/cvae/class_fidelity.py" "${AE_DATA_PATH:-/work/shared/datasets}/mnist" "${runs[@]}"
