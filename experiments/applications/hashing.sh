#!/usr/bin/env bash
# Semantic hashing on Fashion-MNIST: 32-bit codes from a sigmoid code trained with code noise 4 vs without.
# Usage (from the repository root): AE_THREADS=1 nohup experiments/applications/hashing.sh > /tmp/hashing.log 2>&1 &
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/experiments/applications
WORK=${AE_WORK:-/tmp/ae-hashing}
mkdir -p "$WORK"
rm -rf "$WORK/bin"; cp -r "$ROOT/src/AutoEncoders.Cli/bin/Release/net10.0" "$WORK/bin"
AE="dotnet $WORK/bin/ae.dll"
export AE_THREADS=${AE_THREADS:-1}
EPOCHS=${EPOCHS:-3}; LIMIT=${LIMIT:-20000}
train() { # name, noise
  $AE train --recipe "$ROOT/recipes/dense-semantic-hashing.json" --code-noise "$2" --epochs $EPOCHS --train-limit $LIMIT \
    --out "$WORK/runs" --name "$1" --progress lines --seed 1 > "$WORK/$1.train.log" 2>&1
  sed -n 's/^saved *//p' "$WORK/$1.train.log" | tail -1
}
out=$HERE/hashing-results.md
start=$(date +%s)
{
  echo "| model | code noise | precision@10, Hamming (32 bits) | precision@10, Euclidean (real codes) |"
  echo "|---|---:|---:|---:|"
} > "$out.tmp"
for noise in 4 0; do
  run=$(train "hash-noise$noise" $noise)
  $AE index build "$run" --dataset fashion-mnist --split train -o "$WORK/noise$noise.aeidx" > "$WORK/noise$noise.index.log" 2>&1
  ham=$($AE search "$WORK/noise$noise.aeidx" --dataset fashion-mnist --split test --evaluate 1000 -k 10 --metric hamming | grep '^precision')
  euc=$($AE search "$WORK/noise$noise.aeidx" --dataset fashion-mnist --split test --evaluate 1000 -k 10 --metric euclidean | grep '^precision')
  echo "| 784-500-250-32, sigmoid code, $EPOCHS epochs on $LIMIT images | $noise | $ham | $euc |" >> "$out.tmp"
  echo "--- noise $noise: $ham / $euc ($(( $(date +%s) - start )) s)"
  tail -3 "$WORK/hash-noise$noise.train.log"
done
mv "$out.tmp" "$out"
echo done
