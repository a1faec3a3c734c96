#!/usr/bin/env bash
# The convolutional VAE (recipes/conv-vae-mnist.json, latent 16) next to the dense 784-400-20 VAE
# (recipes/vae-784-400-20.json) on MNIST (10k training slice), same epochs, batch 100, Adam lr 1e-3, seed 1, one
# thread each, one after the other. Test ELBO on the whole test set; IWAE with k=IWAE_SAMPLES on the first
# IWAE_LIMIT test images (k=1000 decodes per image cost the conv decoder about 25M multiply-adds each, so the
# default limit is 100 images on a shared 2-core machine). Writes experiments/conv-vae/results.md, the raw JSON and
# logs, and a prior-samples grid per model.
# Usage: experiments/conv-vae/run.sh [EPOCHS]   (default 5; REUSE=1 evaluates finished training runs again)
set -euo pipefail
cd "$(dirname "$0")/../.."
EPOCHS=${1:-5}
K=${IWAE_SAMPLES:-1000}
LIMIT=${IWAE_LIMIT:-100}
OUT=experiments/conv-vae
RUNS=${RUNS:-/tmp/conv-vae-runs}
if [ -z "${AE_DATA_PATH:-}" ]; then
  for d in ../shared/datasets ../../shared/datasets; do [ -d "$d/mnist" ] && AE_DATA_PATH=$(cd "$d" && pwd) && break; done
fi
export AE_DATA_PATH
export AE_THREADS=1
PY=${PYTHON:-/usr/bin/python3}
# AE_DLL: a copy of the built CLI, so rebuilding the work tree during the run cannot change it halfway.
if [ -z "${AE_DLL:-}" ]; then
  dotnet build src/AutoEncoders.Cli -c Release -v quiet -nologo >/dev/null
  AE_DLL=src/AutoEncoders.Cli/bin/Release/net10.0/ae.dll
fi
ae="dotnet $AE_DLL"
mkdir -p "$RUNS"

run() { # name recipe; REUSE=1 keeps a finished training run whose log names its saved directory
  local name=$1 recipe=$2 dir=
  if [ "${REUSE:-0}" = 1 ] && [ -f "$OUT/$name.log" ]; then dir=$(grep '^saved' "$OUT/$name.log" | awk '{print $2}'); fi
  if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    $ae train --recipe "$recipe" --dataset mnist --epochs "$EPOCHS" --out "$RUNS" --name "$name" --progress lines --threads 1 | tee "$OUT/$name.log"
    dir=$(grep '^saved' "$OUT/$name.log" | awk '{print $2}')
  fi
  local start end
  start=$(date +%s.%N)
  $ae eval "$dir" --iwae-samples "$K" --iwae-limit "$LIMIT" --json --threads 1 > "$OUT/$name.json"
  end=$(date +%s.%N)
  $ae generate "$dir" -o "$OUT/$name-prior-samples.png" --count 64 --seed 1 --threads 1 | tee -a "$OUT/$name.log"
  "$PY" - "$OUT/$name.json" "$dir/history.json" "$start" "$end" <<'PYEOF'
import json, sys
m = json.load(open(sys.argv[1])); h = json.load(open(sys.argv[2]))
epochs = h["epochs"]
m["train_loss"] = epochs[-1]["train"]["loss"]; m["train_seconds"] = sum(e["seconds"] for e in epochs); m["epochs"] = len(epochs)
m["eval_seconds"] = float(sys.argv[4]) - float(sys.argv[3])
json.dump(m, open(sys.argv[1], "w"), indent=1)
PYEOF
}

run conv-vae recipes/conv-vae-mnist.json
run dense-vae recipes/vae-784-400-20.json

"$PY" - "$OUT" "$K" "$LIMIT" <<'PYEOF'
import json, sys, os, datetime
out, k, limit = sys.argv[1], sys.argv[2], sys.argv[3]
rows = []
for name, label, params in (("conv-vae", "conv VAE (recipes/conv-vae-mnist.json), z 16", "228,193"),
                            ("dense-vae", "dense 784-400-20 VAE (recipes/vae-784-400-20.json)", "652,824")):
    m = json.load(open(os.path.join(out, f"{name}.json")))
    rows.append(f"| {label} | {params} | {m['epochs']} | {m['train_loss']:.2f} | {m['elbo']:.2f} | {m[f'iwae_k{k}']:.2f} | {m['elbo_on_iwae_subset']:.2f} | {m['kl']:.2f} | {int(m['active_units'])} | {m['train_seconds']:.0f} | {m['eval_seconds']:.0f} |")
text = f"""# Convolutional VAE vs the dense 784-400-20 VAE on MNIST

Made by `experiments/conv-vae/run.sh` on {datetime.date.today()}. MNIST 10k training slice, grey values in [0, 1],
Bernoulli likelihood, log-variance head, Adam lr 1e-3, batch 100, seed 1, one thread each, the same number of
epochs for both. Nats per example; ELBO and IWAE are log-likelihood bounds (higher is better), the training loss
is the negative ELBO of the last epoch. Test ELBO on the whole 10,000-image test set (one z per image); IWAE with
k={k} and the ELBO beside it on the first {limit} test images. Times are wall-clock on a 2-core machine shared
with other jobs, so they compare nothing.

| model | parameters | epochs | train -ELBO | test ELBO | test IWAE k={k} | ELBO (same {limit}) | KL | active units | train s | eval s |
|---|---|---|---|---|---|---|---|---|---|---|
""" + "\n".join(rows) + "\n"
open(os.path.join(out, "results.md"), "w").write(text)
print(text)
PYEOF
