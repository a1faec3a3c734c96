#!/usr/bin/env bash
# VQ-VAE against its PyTorch peer, one run, both sides: recipes/vqvae-mnist.json (EMA codebook) and
# recipes/vqvae-codebook-loss-mnist.json through `ae train`, bench/generative/peer_vqvae.py through Debian's
# PyTorch 1.13, same architecture, initialisation seed, data order (seeded randperm), batch, Adam settings and
# epochs, on the MNIST 10k training slice; evaluated on the 10,000 MNIST test digits. Both sides at one thread.
# Training CPU time = process CPU (user + sys) of an E-epoch run minus that of a 1-epoch run, so start-up, data
# loading, evaluation and pictures cancel; samples/s = (E - 1) * 10,000 / that.
# Also a plain dense autoencoder of the same size (784-512-256-512-784, continuous code, BCE) with `ae train`.
# Usage: bench/generative/vqvae.sh [EPOCHS]   (default 10) -> bench/generative/RESULTS-vqvae.md
set -euo pipefail
cd "$(dirname "$0")/../.."
E=${1:-10}
DATA=${AE_DATA_PATH:-$(cd .. && pwd)/shared/datasets}
export AE_DATA_PATH=$DATA AE_THREADS=1 OMP_NUM_THREADS=1
AE=src/AutoEncoders.Cli/bin/Release/net10.0/ae
[ -x "$AE" ] || dotnet build AutoEncoders.slnx -c Release >/dev/null
PY=/usr/bin/python3
TRAIN=$DATA/mnist/train-10k-images-idx3-ubyte.gz TEST=$DATA/mnist/t10k-images-idx3-ubyte.gz
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
cpu() { /usr/bin/time -f "%U %S" -o "$WORK/t" "$@" > "$WORK/out" 2>&1 || { cat "$WORK/out"; exit 1; }; awk '{print $1 + $2}' "$WORK/t"; }
ours() { # recipe epochs -> "cpu metrics.json"
  local dir="$WORK/ours-$(basename "$1" .json)-$2"
  local c; c=$(cpu "$AE" train -r "$1" --epochs "$2" -o "$dir" --progress silent)
  echo "$c $(ls -d "$dir"/*/)metrics.json"
}
peer() { # codebook epochs -> "cpu json"
  local c; c=$(cpu $PY bench/generative/peer_vqvae.py --train "$TRAIN" --test "$TEST" --epochs "$2" --codebook "$1")
  echo "$c $(tail -1 "$WORK/out")"
}
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
rows=""
for variant in ema loss; do
  recipe=recipes/vqvae-mnist.json; [ $variant = loss ] && recipe=recipes/vqvae-codebook-loss-mnist.json
  read -r o1 _ <<< "$(ours $recipe 1)"; read -r oE om <<< "$(ours $recipe "$E")"
  read -r p1 _ <<< "$(peer $variant 1)"; read -r pE pj <<< "$(peer $variant "$E")"
  rows+=$($PY - "$variant" "$E" "$o1" "$oE" "$om" "$p1" "$pE" "$pj" <<'PYEOF'
import json, sys
v, e, o1, oE, om, p1, pE, pj = sys.argv[1:]
e = int(e); o = json.load(open(om)); p = json.loads(pj)
os_ = (e - 1) * 10000 / (float(oE) - float(o1)); ps = (e - 1) * 10000 / (float(pE) - float(p1))
def row(side, m, sps):
    return f"| {v} | {side} | {m['bce_per_value']:.5f} | {m['squared_error_per_sample']:.3f} | {m['codebook_perplexity']:.2f} | {m['codebook_used_fraction']:.3f} | {sps:,.0f} |"
print(row("ours (TorchSharp)", o, os_)); print(row("peer (PyTorch " + p["torch"] + ")", p, ps))
PYEOF
)$'\n'
done
"$AE" train --layers 784,512,256 --loss bce --epochs "$E" --batch-size 100 --lr 0.001 --dataset mnist -o "$WORK/plain" --progress silent > "$WORK/out" 2>&1 || { cat "$WORK/out"; exit 1; }
am=$(ls -d "$WORK"/plain/*/)metrics.json
plain=$($PY -c "import json,sys; m=json.load(open(sys.argv[1])); print(f\"{m['bce_per_value']:.5f} | {m['squared_error_per_sample']:.3f}\")" "$am")
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
cat > bench/generative/RESULTS-vqvae.md <<MD
# VQ-VAE: ours against PyTorch

Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/generative/vqvae.sh $E\` on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),
both sides at one thread. **The machine was shared with other jobs** (load average $LOAD_BEFORE before, $LOAD_AFTER after),
so the speeds are CPU-time figures (process CPU of an $E-epoch run minus a 1-epoch run), not wall-clock ones, and
still carry the noise of a loaded machine (cache and memory-bandwidth contention).

Model: dense VQ-VAE 784-512-(16 vectors x 16), codebook K = 64, commitment 0.25; EMA decay 0.99, epsilon 1e-5
(row "ema") or the codebook loss (row "loss"); binary cross-entropy (mean per pixel) + commitment; Adam lr 1e-3,
batch 100, $E epochs on the MNIST 10k training slice, seed 1 (same initial weights and codebook on both sides:
both draw them from the seeded torch generator in the same order), the same shuffled order every epoch
(seeded randperm). Test: the 10,000 MNIST test digits, decoded from their quantised codes.

| codebook | side | test BCE per pixel | test squared error per image | codebook perplexity (of 64) | codes used | training samples/s (CPU time, 1 thread) |
| --- | --- | --- | --- | --- | --- | --- |
${rows}
Same budget, a plain dense autoencoder with a continuous 256-float code (784-512-256-512-784, \`ae train --layers
784,512,256 --loss bce\`): test BCE per pixel / squared error per image = ${plain}. The VQ-VAE code is 16 indices
of 6 bits (96 bits per image), the plain one 256 floats: the plain autoencoder reconstructs better, as expected;
the VQ-VAE's point is the discrete code.
MD
cat bench/generative/RESULTS-vqvae.md
