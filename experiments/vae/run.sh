#!/usr/bin/env bash
# The 784-400-20 VAE (recipes/vae-784-400-20.json) on MNIST (10k training slice) and full Fashion-MNIST, ours and
# PyTorch's (bench/vae_peer.py, same model, init scheme, Adam lr 1e-3, batch 100, epochs) one after the other, one
# thread each. Test ELBO on the whole test set, IWAE k=1000 on its first 1000 images; writes
# experiments/vae/results.md (and the raw JSON beside it).
# Usage: experiments/vae/run.sh [MNIST_EPOCHS] [FASHION_EPOCHS]   (defaults 10 and 5)
set -euo pipefail
cd "$(dirname "$0")/../.."
MNIST_EPOCHS=${1:-10}
FASHION_EPOCHS=${2:-5}
K=${IWAE_SAMPLES:-1000}
LIMIT=${IWAE_LIMIT:-1000}
OUT=experiments/vae
RUNS=${RUNS:-/tmp/vae-runs}
if [ -z "${AE_DATA_PATH:-}" ]; then
  for d in ../shared/datasets ../../shared/datasets; do [ -d "$d/mnist" ] && AE_DATA_PATH=$(cd "$d" && pwd) && break; done
fi
export AE_DATA_PATH
export AE_THREADS=1
PY=${PYTHON:-/usr/bin/python3}
MNIST=$AE_DATA_PATH/mnist
FASHION=${FASHION_DIR:-/usr/share/datasets/fashion-mnist}
# AE_DLL: a copy of the built CLI, so rebuilding the work tree during the run cannot change it halfway.
if [ -z "${AE_DLL:-}" ]; then
  dotnet build src/AutoEncoders.Cli -c Release -v quiet -nologo >/dev/null
  AE_DLL=src/AutoEncoders.Cli/bin/Release/net10.0/ae.dll
fi
ae="dotnet $AE_DLL"
mkdir -p "$RUNS"

run_ours() { # name dataset epochs
  local name=$1 dataset=$2 epochs=$3 start end
  start=$(date +%s.%N)
  $ae train --recipe recipes/vae-784-400-20.json --dataset "$dataset" --epochs "$epochs" --out "$RUNS" --name "$name" --progress lines | tee "$OUT/$name.log"
  end=$(date +%s.%N)
  local dir; dir=$(grep '^saved' "$OUT/$name.log" | awk '{print $2}')
  $ae eval "$dir" --iwae-samples "$K" --iwae-limit "$LIMIT" --json > "$OUT/$name.json"
  "$PY" - "$OUT/$name.json" "$dir/history.json" <<'PYEOF'
import json, sys
m = json.load(open(sys.argv[1])); h = json.load(open(sys.argv[2]))
epochs = h["epochs"]
m["train_loss"] = epochs[-1]["train"]["loss"]; m["train_seconds"] = sum(e["seconds"] for e in epochs); m["epochs"] = len(epochs)
json.dump(m, open(sys.argv[1], "w"), indent=1)
PYEOF
}

run_peer() { # name train-images test-images epochs
  "$PY" bench/vae_peer.py --train "$2" --test "$3" --epochs "$4" --iwae-samples "$K" --iwae-limit "$LIMIT" | tee "$OUT/$1.log"
  tail -n 1 "$OUT/$1.log" > "$OUT/$1.json"
}

run_ours ours-mnist mnist "$MNIST_EPOCHS"
run_peer peer-mnist "$MNIST/train-10k-images-idx3-ubyte.gz" "$MNIST/t10k-images-idx3-ubyte.gz" "$MNIST_EPOCHS"
run_ours ours-fashion fashion-mnist "$FASHION_EPOCHS"
run_peer peer-fashion "$FASHION/train-images-idx3-ubyte.gz" "$FASHION/t10k-images-idx3-ubyte.gz" "$FASHION_EPOCHS"

"$PY" - "$OUT" "$K" "$LIMIT" <<'PYEOF'
import json, sys, os, datetime
out, k, limit = sys.argv[1], sys.argv[2], sys.argv[3]
rows = []
for data, label in (("mnist", "MNIST (10k training slice)"), ("fashion", "Fashion-MNIST (60k)")):
    for who, name in (("ours", "AutoEncoders (TorchSharp 0.107)"), ("peer", "PyTorch")):
        m = json.load(open(os.path.join(out, f"{who}-{data}.json")))
        version = f" {m['torch']}" if "torch" in m else ""
        rows.append(f"| {label} | {name}{version} | {m['epochs']} | {m['train_loss']:.2f} | {m['elbo']:.2f} | {m[f'iwae_k{k}']:.2f} | {m['elbo_on_iwae_subset']:.2f} | {m['kl']:.2f} | {int(m['active_units'])} | {m['train_seconds']:.0f} |")
text = f"""# 784-400-20 VAE: AutoEncoders vs PyTorch

Made by `experiments/vae/run.sh` on {datetime.date.today()}. Same model (784-400-20, ReLU, log-variance head,
Bernoulli likelihood on grey values in [0, 1]), PyTorch's default initialisation on both sides, Adam lr 1e-3,
batch 100, seed 1, one thread each. Nats per example; ELBO and IWAE are log-likelihood bounds (higher is better),
the training loss is the negative ELBO of the last epoch. Test ELBO on the whole 10,000-image test set (one z per
image); IWAE with k={k} and the ELBO beside it on the first {limit} test images.

| data | implementation | epochs | train -ELBO | test ELBO | test IWAE k={k} | ELBO (same {limit}) | KL | active units (of 20) | train s |
|---|---|---|---|---|---|---|---|---|---|
""" + "\n".join(rows) + "\n"
open(os.path.join(out, "results.md"), "w").write(text)
print(text)
PYEOF
