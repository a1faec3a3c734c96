#!/usr/bin/env bash
# Several seeds of the 784-400-20 VAE on each side (ours: recipes/vae-784-400-20.json; PyTorch: bench/vae_peer.py),
# same settings as run.sh, to tell a real difference from seed noise. Each run writes
# experiments/vae/seeds/{ours,peer}-{mnist,fashion}-s{SEED}.json; experiments/vae/summarize_seeds.py makes the table.
# Seed 1 of both sides is run.sh's run (same code, same settings); its JSON is copied in as -s1, with IWAE on the
# first 1000 test images; the runs made here use the first IWAE_LIMIT (default 500), k stays 1000.
# Usage: experiments/vae/seeds.sh [SEEDS...]   (default: 2 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
SEEDS=("$@"); [ ${#SEEDS[@]} -eq 0 ] && SEEDS=(2 3)
MNIST_EPOCHS=${MNIST_EPOCHS:-10}
FASHION_EPOCHS=${FASHION_EPOCHS:-5}
K=${IWAE_SAMPLES:-1000}
LIMIT=${IWAE_LIMIT:-500}
OUT=experiments/vae/seeds
RUNS=${RUNS:-/tmp/vae-runs}
export AE_DATA_PATH=${AE_DATA_PATH:-$(cd ../shared/datasets 2>/dev/null && pwd)}
export AE_THREADS=1
PY=${PYTHON:-/usr/bin/python3}
MNIST=$AE_DATA_PATH/mnist
FASHION=${FASHION_DIR:-/usr/share/datasets/fashion-mnist}
if [ -z "${AE_DLL:-}" ]; then
  dotnet build src/AutoEncoders.Cli -c Release -v quiet -nologo >/dev/null
  AE_DLL=src/AutoEncoders.Cli/bin/Release/net10.0/ae.dll
fi
ae="dotnet $AE_DLL"
mkdir -p "$RUNS" "$OUT"
for who in ours peer; do for data in mnist fashion; do
  [ -f "$OUT/$who-$data-s1.json" ] || cp "experiments/vae/$who-$data.json" "$OUT/$who-$data-s1.json"
done; done

run_ours() { # name dataset epochs seed
  local name=$1 dir
  $ae train --recipe recipes/vae-784-400-20.json --dataset "$2" --epochs "$3" --seed "$4" --out "$RUNS" --name "$name" --progress lines > "$OUT/$name.log"
  dir=$(grep '^saved' "$OUT/$name.log" | awk '{print $2}')
  $ae eval "$dir" --iwae-samples "$K" --iwae-limit "$LIMIT" --json > "$OUT/$name.json"
  "$PY" - "$OUT/$name.json" "$dir/history.json" "$4" <<'PYEOF'
import json, sys
m = json.load(open(sys.argv[1])); h = json.load(open(sys.argv[2]))
epochs = h["epochs"]
m["train_loss"] = epochs[-1]["train"]["loss"]; m["train_seconds"] = sum(e["seconds"] for e in epochs); m["epochs"] = len(epochs); m["seed"] = int(sys.argv[3])
json.dump(m, open(sys.argv[1], "w"), indent=1)
PYEOF
}

run_peer() { # name train-images test-images epochs seed
  "$PY" bench/vae_peer.py --train "$2" --test "$3" --epochs "$4" --seed "$5" --iwae-samples "$K" --iwae-limit "$LIMIT" > "$OUT/$1.log"
  tail -n 1 "$OUT/$1.log" > "$OUT/$1.json"
}

for s in "${SEEDS[@]}"; do
  run_ours "ours-mnist-s$s" mnist "$MNIST_EPOCHS" "$s"
  run_peer "peer-mnist-s$s" "$MNIST/train-10k-images-idx3-ubyte.gz" "$MNIST/t10k-images-idx3-ubyte.gz" "$MNIST_EPOCHS" "$s"
  run_ours "ours-fashion-s$s" fashion-mnist "$FASHION_EPOCHS" "$s"
  run_peer "peer-fashion-s$s" "$FASHION/train-images-idx3-ubyte.gz" "$FASHION/t10k-images-idx3-ubyte.gz" "$FASHION_EPOCHS" "$s"
  echo "seed $s done $(date -u +%H:%M:%S)"
done
"$PY" experiments/vae/summarize_seeds.py "$OUT"
