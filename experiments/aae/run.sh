#!/usr/bin/env bash
# Adversarial autoencoders on MNIST (10k training slice, 20 epochs, one thread each): the recipe's 784-1000-1000-2
# AAE with a Gaussian prior (recipes/aae-784-1000-1000-2.json), the same with a label-conditioned 10-component
# mixture prior (aae-mixture.json, Makhzani et al. figure 4) and the plain autoencoder without the discriminator
# (ae-784-1000-1000-2.json). Each run is then evaluated on the test set with `ae eval --prior-match 2000` (codes of
# the first 2,000 test digits against 2,000 prior draws; N(0, I) for the plain autoencoder) and its prior decoded
# with `ae generate`. Logs, eval JSON, histories and pictures land here; results.md is written by hand from them.
set -euo pipefail
cd "$(dirname "$0")/../.."
export AE_DATA_PATH=${AE_DATA_PATH:-$(cd ../shared/datasets 2>/dev/null && pwd)}
export AE_THREADS=1
OUT=experiments/aae
RUNS=${RUNS:-/tmp/aae-runs}
if [ -z "${AE_DLL:-}" ]; then
  dotnet build src/AutoEncoders.Cli -c Release -v quiet -nologo >/dev/null
  AE_DLL=src/AutoEncoders.Cli/bin/Release/net10.0/ae.dll
fi
ae="dotnet $AE_DLL"
mkdir -p "$RUNS"
run() { # name recipe
  local name=$1 dir
  $ae train --recipe "$2" --out "$RUNS" --name "$name" --progress lines > "$OUT/$name.log"
  dir=$(grep '^saved' "$OUT/$name.log" | awk '{print $2}')
  $ae eval "$dir" --prior-match 2000 --json > "$OUT/$name-eval.json"
  cp "$dir/history.csv" "$OUT/$name-history.csv"
  cp "$dir/pictures/latent-space.png" "$OUT/$name-latent-space.png"
  if [ "$name" != ae-plain ]; then $ae generate "$dir" --out "$OUT/$name-samples.png" -n 64 --seed 1 >/dev/null; fi
}
run aae-gaussian recipes/aae-784-1000-1000-2.json
run ae-plain "$OUT/ae-784-1000-1000-2.json"
run aae-mixture "$OUT/aae-mixture.json"
