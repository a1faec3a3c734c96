#!/usr/bin/env bash
# beta-VAE (beta 4) and IWAE training (k 5), AutoEncoders vs PyTorch 1.13 (bench/generative/peer_vae.py), in one run:
# the same 784-400-20 model, Adam lr 1e-3, batch 100, seed 1, the same data order (torch.randperm from a generator
# seeded with the seed, each epoch), the MNIST 10k training slice, one thread each, one after the other. Both trained
# models are evaluated by the same Python code (ours exported with `ae-bench vae-export`): test ELBO on the 10,000
# test images, IWAE bound with k=$K on the first $LIMIT, reconstruction error of the decoded mean. Training speed is
# training examples per CPU-second of training (ours: the CPU time of `ae train` minus that of the same command on
# 100 examples for one epoch, i.e. without start-up, data loading, end-of-run metrics and report; PyTorch: the
# process CPU time of data loading and the training loop).
# Writes bench/generative/RESULTS.md and the raw JSON and logs under bench/generative/results/.
# Usage: bench/generative/run.sh [EPOCHS]   (default 10; IWAE_SAMPLES, IWAE_LIMIT override k and the subset)
set -euo pipefail
cd "$(dirname "$0")/../.."
EPOCHS=${1:-10}
K=${IWAE_SAMPLES:-1000}
LIMIT=${IWAE_LIMIT:-500}
OUT=bench/generative/results
RUNS=${RUNS:-/tmp/generative-peer-runs}
if [ -z "${AE_DATA_PATH:-}" ]; then
  for d in ../shared/datasets ../../shared/datasets; do [ -d "$d/mnist" ] && AE_DATA_PATH=$(cd "$d" && pwd) && break; done
fi
export AE_DATA_PATH
export AE_THREADS=1 OMP_NUM_THREADS=1
PY=${PYTHON:-/usr/bin/python3}
MNIST=$AE_DATA_PATH/mnist
if [ -z "${AE_DLL:-}" ]; then
  dotnet build src/AutoEncoders.Cli -c Release -v quiet -nologo >/dev/null
  dotnet build bench/AutoEncoders.Bench -c Release -v quiet -nologo >/dev/null
  AE_DLL=src/AutoEncoders.Cli/bin/Release/net10.0/ae.dll
fi
BENCH_DLL=${BENCH_DLL:-bench/AutoEncoders.Bench/bin/Release/net10.0/ae-bench.dll}
mkdir -p "$OUT" "$RUNS"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date -u '+%Y-%m-%d %H:%M UTC')

run_ours() { # name recipe
  local name=$1 recipe=$2 dir
  rm -rf "${RUNS:?}/$name"
  /usr/bin/time -f '%U %S' -o "$OUT/ours-$name.cpu" dotnet "$AE_DLL" train --recipe "$recipe" --epochs "$EPOCHS" --out "$RUNS" --name "$name" --progress lines | tee "$OUT/ours-$name.log"
  dir=$(grep '^saved' "$OUT/ours-$name.log" | awk '{print $2}')
  # What `ae train` spends besides training (start-up, data loading, end-of-run test metrics, report pictures):
  # the same command on 100 examples for one epoch; subtracted from the full run's CPU time.
  /usr/bin/time -f '%U %S' -o "$OUT/ours-$name.overhead.cpu" dotnet "$AE_DLL" train --recipe "$recipe" --epochs 1 --train-limit 100 --out "$RUNS" --name "$name-overhead" --progress silent >/dev/null
  dotnet "$BENCH_DLL" vae-export "$dir" "$RUNS/$name-weights" >/dev/null
  "$PY" bench/generative/peer_vae.py --eval "$RUNS/$name-weights" --test "$MNIST/t10k-images-idx3-ubyte.gz" --iwae-samples "$K" --iwae-limit "$LIMIT" > "$OUT/ours-$name.json"
  "$PY" - "$OUT/ours-$name.json" "$dir/history.json" "$OUT/ours-$name.cpu" "$OUT/ours-$name.overhead.cpu" <<'PYEOF'
import json, sys
m = json.load(open(sys.argv[1])); h = json.load(open(sys.argv[2]))
user, system = map(float, open(sys.argv[3]).read().split()[-2:])
user0, system0 = map(float, open(sys.argv[4]).read().split()[-2:])
epochs = h["epochs"]
m.update(train_loss=epochs[-1]["train"]["loss"], train_wall_seconds=sum(e["seconds"] for e in epochs), epochs=len(epochs),
         process_cpu_seconds=user + system, overhead_cpu_seconds=user0 + system0,
         train_cpu_seconds=(user + system) - (user0 + system0), train_examples=10000)
json.dump(m, open(sys.argv[1], "w"), indent=1)
PYEOF
}

run_peer() { # name args...
  local name=$1; shift
  "$PY" bench/generative/peer_vae.py --train "$MNIST/train-10k-images-idx3-ubyte.gz" --test "$MNIST/t10k-images-idx3-ubyte.gz" \
    --epochs "$EPOCHS" --iwae-samples "$K" --iwae-limit "$LIMIT" "$@" | tee "$OUT/peer-$name.log"
  tail -n 1 "$OUT/peer-$name.log" > "$OUT/peer-$name.json"
}

run_ours beta4 recipes/vae-beta4-784-400-20.json
run_peer beta4 --objective elbo --beta 4
run_ours iwae5 recipes/vae-iwae-784-400-20.json
run_peer iwae5 --objective iwae --k 5
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

"$PY" - "$OUT" "$K" "$LIMIT" "$START" "$LOAD_START" "$LOAD_END" "$EPOCHS" <<'PYEOF'
import json, os, sys
out, k, limit, start, load0, load1, epochs = sys.argv[1:]
rows = []
for name, label in (("beta4", "beta-VAE, beta 4 (`vae-beta4-784-400-20`)"), ("iwae5", "IWAE training, k 5 (`vae-iwae-784-400-20`)")):
    for who, impl in (("ours", "AutoEncoders (TorchSharp 0.107)"), ("peer", "PyTorch")):
        m = json.load(open(os.path.join(out, f"{who}-{name}.json")))
        version = f" {m['torch']}" if "torch" in m else ""
        cpu = m["train_cpu_seconds"]
        rows.append(f"| {label} | {impl}{version} | {m['train_loss']:.2f} | {-m['elbo']:.2f} | {-m[f'iwae_k{k}']:.2f} | "
                    f"{m['reconstruction_bce']:.2f} | {m['reconstruction_mse']:.5f} | {m['kl']:.2f} | {int(m['active_units'])} | "
                    f"{cpu:.0f} | {m['epochs'] * m['train_examples'] / cpu:.0f} | {m['train_wall_seconds']:.0f} |")
text = f"""# beta-VAE and IWAE training: AutoEncoders vs PyTorch

Made by `bench/generative/run.sh {epochs}` started {start}, on the shared 2-core machine (other jobs running;
load average {load0} at the start and {load1} at the end), one thread per side (`AE_THREADS=1`,
`torch.set_num_threads(1)`), the two sides one after the other. Same 784-400-20 VAE (ReLU, log-variance head,
Bernoulli likelihood), PyTorch's default initialisation scheme, Adam lr 1e-3, batch 100, seed 1, {epochs} epochs
on the MNIST 10k training slice, the same data order (torch.randperm from a generator seeded with 1, each epoch),
different draws of eps. Both trained models are scored by the same Python code (`bench/generative/peer_vae.py`;
ours exported with `ae-bench vae-export`): nats per example, lower is better for every loss column. Test -ELBO on
the 10,000 test images (one z each, closed-form KL); -IWAE with k={k} on the first {limit} test images;
reconstruction error of the decoded posterior mean (BCE summed over the 784 pixels; MSE per pixel). The training
loss is the last epoch's mean of what was minimised (beta-weighted -ELBO, or -IWAE k=5). Speed is training examples
per CPU-second of training (ours: the process CPU time of `ae train` minus that of the same command on 100
examples for one epoch, which removes .NET start-up, data loading, end-of-run test metrics and the report's
pictures; PyTorch: process CPU time of data loading and the training loop); CPU time rather than wall time because
the machine is shared (the wall column shows how much waiting there was), but a loaded machine slows both sides'
CPU time too (caches, shared cores), so the speeds are indicative only. One seed per side: differences of a few
tenths of a nat are within seed noise (experiments/vae/results.md measured a seed sd of about 0.2 nats).

| model | implementation | train loss | test -ELBO | test -IWAE k={k} | recon BCE | recon MSE | KL | active units | train CPU s | examples / CPU s | train wall s |
|---|---|---|---|---|---|---|---|---|---|---|---|
""" + "\n".join(rows) + "\n"
open(os.path.join(os.path.dirname(out), "RESULTS.md"), "w").write(text)
print(text)
PYEOF
