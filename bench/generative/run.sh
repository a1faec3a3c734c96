#!/usr/bin/env bash
# beta-VAE (beta 4) and IWAE training (k 5), AutoEncoders vs PyTorch 1.13 (bench/generative/peer_vae.py), in one run:
# the same 784-400-20 model, Adam lr 1e-3, batch 100, seed 1, the same data order (torch.randperm from a generator
# seeded with the seed, each epoch), the MNIST 10k training slice, one thread each, one after the other, for each
# seed in SEEDS (default "1 2 3"; different draws of eps on the two sides). Both trained models are evaluated by the
# same Python code (ours exported with `ae-bench vae-export`): test ELBO on the 10,000 test images, IWAE bound with
# k=$K on the first $LIMIT, reconstruction error of the decoded mean. Training speed is training examples per
# CPU-second of training: ours, (EPOCHS - 1) x 10,000 over the process CPU time of the EPOCHS-epoch `ae train` minus
# that of the same command for one epoch (start-up, data loading, end-of-run metrics and the report's pictures
# cancel); PyTorch, EPOCHS x 10,000 over the CPU time of its training loop (measured inside the process).
# Writes bench/generative/RESULTS.md and the raw JSON and logs under bench/generative/results/.
# Usage: bench/generative/run.sh [EPOCHS]   (default 10; SEEDS, IWAE_SAMPLES, IWAE_LIMIT override the seeds, k and
# the subset)
set -euo pipefail
cd "$(dirname "$0")/../.."
EPOCHS=${1:-10}
K=${IWAE_SAMPLES:-1000}
LIMIT=${IWAE_LIMIT:-500}
SEEDS=${SEEDS:-1 2 3}
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

cpu_of() { awk '{print $(NF-1) + $NF}' "$1"; }

one_epoch() { # name recipe: the CPU time of a one-epoch run, subtracted from every full run of the recipe
  /usr/bin/time -f '%U %S' -o "$OUT/ours-$1.epoch1.cpu" dotnet "$AE_DLL" train --recipe "$2" --epochs 1 --out "$RUNS" --name "$1-epoch1" --progress silent >/dev/null
}

run_ours() { # name recipe seed
  local name=$1-s$3 recipe=$2 dir
  /usr/bin/time -f '%U %S' -o "$OUT/ours-$name.cpu" dotnet "$AE_DLL" train --recipe "$recipe" --epochs "$EPOCHS" --seed "$3" --out "$RUNS" --name "$name" --progress lines | tee "$OUT/ours-$name.log"
  dir=$(grep '^saved' "$OUT/ours-$name.log" | awk '{print $2}')
  dotnet "$BENCH_DLL" vae-export "$dir" "$RUNS/$name-weights" >/dev/null
  "$PY" bench/generative/peer_vae.py --eval "$RUNS/$name-weights" --test "$MNIST/t10k-images-idx3-ubyte.gz" --iwae-samples "$K" --iwae-limit "$LIMIT" > "$OUT/ours-$name.json"
  "$PY" - "$OUT/ours-$name.json" "$dir/history.json" "$(cpu_of "$OUT/ours-$name.cpu")" "$(cpu_of "$OUT/ours-$1.epoch1.cpu")" "$3" <<'PYEOF'
import json, sys
m = json.load(open(sys.argv[1])); h = json.load(open(sys.argv[2]))
full, one = float(sys.argv[3]), float(sys.argv[4])
epochs = h["epochs"]
m.update(train_loss=epochs[-1]["train"]["loss"], train_wall_seconds=sum(e["seconds"] for e in epochs), epochs=len(epochs),
         process_cpu_seconds=full, one_epoch_cpu_seconds=one, seed=int(sys.argv[5]),
         examples_per_cpu_second=(len(epochs) - 1) * 10000 / (full - one))
json.dump(m, open(sys.argv[1], "w"), indent=1)
PYEOF
}

run_peer() { # name seed args...
  local name=$1-s$2 seed=$2; shift 2
  "$PY" bench/generative/peer_vae.py --train "$MNIST/train-10k-images-idx3-ubyte.gz" --test "$MNIST/t10k-images-idx3-ubyte.gz" \
    --epochs "$EPOCHS" --seed "$seed" --iwae-samples "$K" --iwae-limit "$LIMIT" "$@" | tee "$OUT/peer-$name.log"
  tail -n 1 "$OUT/peer-$name.log" | "$PY" -c "import json, sys; m = json.load(sys.stdin); m.update(seed=$seed, examples_per_cpu_second=m['epochs'] * m['train_examples'] / m['train_cpu_seconds']); print(json.dumps(m))" > "$OUT/peer-$name.json"
}

rm -f "$OUT"/*.json "$OUT"/*.log "$OUT"/*.cpu
one_epoch beta4 recipes/vae-beta4-784-400-20.json
one_epoch iwae5 recipes/vae-iwae-784-400-20.json
for seed in $SEEDS; do
  run_ours beta4 recipes/vae-beta4-784-400-20.json "$seed"
  run_peer beta4 "$seed" --objective elbo --beta 4
  run_ours iwae5 recipes/vae-iwae-784-400-20.json "$seed"
  run_peer iwae5 "$seed" --objective iwae --k 5
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

"$PY" - "$OUT" "$K" "$LIMIT" "$START" "$LOAD_START" "$LOAD_END" "$EPOCHS" "$SEEDS" <<'PYEOF'
import glob, json, os, statistics, sys
out, k, limit, start, load0, load1, epochs, seeds = sys.argv[1:]
def ms(xs, fmt):
    return f"{fmt.format(statistics.mean(xs))} ± {fmt.format(statistics.stdev(xs))}" if len(xs) > 1 else fmt.format(xs[0])
def per_seed(runs):
    return ", ".join("{:.2f}".format(-m["elbo"]) for m in runs)
rows = []
for name, label in (("beta4", "beta-VAE, beta 4"), ("iwae5", "IWAE training, k 5")):
    for who, impl in (("ours", "AutoEncoders (TorchSharp 0.107)"), ("peer", "PyTorch")):
        ms_ = [json.load(open(f)) for f in sorted(glob.glob(os.path.join(out, f"{who}-{name}-s*.json")))]
        version = f" {ms_[0]['torch']}" if "torch" in ms_[0] else ""
        col = lambda key, fmt, sign=1: ms([sign * m[key] for m in ms_], fmt)
        rows.append(f"| {label} | {impl}{version} | {col('train_loss', '{:.2f}')} | {col('elbo', '{:.2f}', -1)} "
                    f"({per_seed(ms_)}) | {col(f'iwae_k{k}', '{:.2f}', -1)} | "
                    f"{col('reconstruction_bce', '{:.2f}')} | {col('reconstruction_mse', '{:.5f}')} | {col('kl', '{:.2f}')} | "
                    f"{col('active_units', '{:.0f}')} | {col('examples_per_cpu_second', '{:,.0f}')} | {col('train_wall_seconds', '{:.0f}')} |")
text = f"""# beta-VAE and IWAE training: AutoEncoders vs PyTorch

Made by `bench/generative/run.sh {epochs}` (seeds {seeds}) started {start}, on the shared 2-core machine (other
jobs running; load average {load0} at the start and {load1} at the end), one thread per side (`AE_THREADS=1`,
`torch.set_num_threads(1)`), the two sides one after the other, seed by seed. Same 784-400-20 VAE (ReLU,
log-variance head, Bernoulli likelihood), PyTorch's default initialisation scheme, Adam lr 1e-3, batch 100,
{epochs} epochs on the MNIST 10k training slice, the same data order for a seed (torch.randperm from a generator
seeded with it, each epoch); the draws of eps differ between the sides, so runs of one seed are not paired. Both trained
models are scored by the same Python code (`bench/generative/peer_vae.py`; ours exported with `ae-bench
vae-export`): nats per example, lower is better for every loss column. Test -ELBO on the 10,000 test images (one z
each, closed-form KL; per seed in brackets); -IWAE with k={k} on the first {limit} test images; reconstruction error
of the decoded posterior mean (BCE summed over the 784 pixels; MSE per pixel). The training loss is the last
epoch's mean of what was minimised (beta-weighted -ELBO, or -IWAE k=5). Every cell is the mean ± sample standard
deviation over the seeds. Speed is training examples per CPU-second of training: ours, ({epochs} - 1) x 10,000 over
the process CPU time of the {epochs}-epoch `ae train` minus that of a one-epoch run (start-up, data loading,
end-of-run metrics and the report's pictures cancel); PyTorch, {epochs} x 10,000 over the CPU time of its training
loop. CPU time rather than wall time because the machine is shared (the wall column, the training epochs' wall
seconds, shows how much waiting there was), but a loaded machine slows both sides' CPU time too (caches, shared
cores), so the speeds carry that noise.

| model | implementation | train loss | test -ELBO (per seed) | test -IWAE k={k} | recon BCE | recon MSE | KL | active units | examples / CPU s | train wall s |
|---|---|---|---|---|---|---|---|---|---|---|
""" + "\n".join(rows) + "\n"
open(os.path.join(os.path.dirname(out), "RESULTS.md"), "w").write(text)
print(text)
PYEOF
