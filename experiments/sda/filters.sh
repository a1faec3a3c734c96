#!/usr/bin/env bash
# The "before / after denoising" picture (deeplearning.net's denoising autoencoder tutorial; Vincent et al., 2008,
# figure 3): one 784-500 sigmoid layer trained as a plain autoencoder and as a denoising one (masking 30%), same
# seed (so the same initial weights), same data (the 8,000 training images of experiments/sda), 15 epochs each;
# their first 50 filters side by side in docs/images/sda-filters.png. Run from the repository root (run.sh calls it).
set -euo pipefail
cd "$(dirname "$0")/../.."
AE=${AE:-src/AutoEncoders.Cli/bin/Release/net10.0/ae}
export AE_THREADS=${AE_THREADS:-1}
export AE_DATA_PATH=${AE_DATA_PATH:-/work/shared/datasets}
MODELS=${MODELS:-/tmp/ae-sda-models}
PICTURE=${PICTURE:-docs/images/sda-filters.png}
HERE=${OUT:-experiments/sda}
mkdir -p "$HERE/logs" "$MODELS"
for noise in 0 0.3; do
  model=$MODELS/filters-784-500-n$noise
  [ -f "$model/model.json" ] && continue
  corrupt=()
  [ "$noise" != 0 ] && corrupt=(--noise "masking:$noise")
  echo "== $(date -u +%T) filters: 784-500 noise $noise ($(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg))"
  "$AE" pretrain -o "$model" --dataset mnist --validation-split 0.2 --split-seed 0 --layers 784,500 --activation sigmoid "${corrupt[@]}" \
    --epochs 15 --lr 1e-3 --batch-size 20 --seed 1 > "$HERE/logs/filters-784-500-n$noise.log"
done
"$AE" filters "$MODELS/filters-784-500-n0" "$MODELS/filters-784-500-n0.3" \
  --labels "plain autoencoder,denoising autoencoder (masking 30%)" --count 50 --columns 10 -o "$PICTURE"
