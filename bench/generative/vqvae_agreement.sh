#!/usr/bin/env bash
# Does our VQ-VAE compute what the PyTorch peer computes? recipes/vqvae-mnist.json (and, with VARIANT=loss,
# vqvae-codebook-loss-mnist.json) trained by `ae train` for a few steps, against bench/generative/peer_vqvae.py
# trained from the same seed, data slice and order (vqvae_agreement.py), both at one thread: the largest relative
# difference over all weights after 1, 10, 20 (across an epoch boundary), 100 and 200 steps, whether the code counts
# are identical, and our 10-epoch model's test BCE in the peer's evaluation beside ours.
# Usage: bench/generative/vqvae_agreement.sh   (about 5 minutes at one thread) -> a Markdown table on stdout
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${AE_DATA_PATH:-$(cd .. && pwd)/shared/datasets}
export AE_DATA_PATH=$DATA AE_THREADS=1 OMP_NUM_THREADS=1
AE=${AE_BIN:-src/AutoEncoders.Cli/bin/Release/net10.0/ae}
[ -x "$AE" ] || dotnet build AutoEncoders.slnx -c Release >/dev/null
VARIANT=${VARIANT:-ema}; SEED=${SEED:-1}
RECIPE=recipes/vqvae-mnist.json; [ "$VARIANT" = loss ] && RECIPE=recipes/vqvae-codebook-loss-mnist.json
TRAIN=$DATA/mnist/train-10k-images-idx3-ubyte.gz TEST=$DATA/mnist/t10k-images-idx3-ubyte.gz
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
echo "| steps | training examples x epochs | largest relative weight difference | code counts identical | peer's test BCE | our weights' test BCE, peer's evaluation | ours, our evaluation |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for c in "100 1" "1000 1" "1000 2" "10000 1" "10000 2" "10000 10"; do
  read -r limit epochs <<< "$c"
  "$AE" train -r "$RECIPE" --epochs "$epochs" --train-limit "$limit" --seed "$SEED" -o "$WORK/$limit-$epochs" --progress silent > "$WORK/out" 2>&1 || { cat "$WORK/out"; exit 1; }
  run=$(ls -d "$WORK/$limit-$epochs"/*/)
  "$AE" weights export "$run" -o "$WORK/w.safetensors" > /dev/null
  /usr/bin/python3 bench/generative/vqvae_agreement.py --ours "$WORK/w.safetensors" --metrics "$run/metrics.json" --train "$TRAIN" --test "$TEST" \
    --epochs "$epochs" --train-limit "$limit" --seed "$SEED" --codebook "$VARIANT" | tail -1 | /usr/bin/python3 -c "
import json, sys
r = json.loads(sys.stdin.read())
print(f\"| {r['steps']} | $limit x $epochs | {r['max_relative_difference']:.1e} | {'yes' if r['same_code_counts'] else 'no'} | {r['peer_test_bce']:.6f} | {r['our_weights_test_bce_peer_evaluation']:.6f} | {r['our_weights_test_bce_our_evaluation']:.6f} |\")"
done
