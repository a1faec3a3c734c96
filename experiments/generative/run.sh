#!/usr/bin/env bash
# One evaluation of every generative model (issue 21): each recipe in experiments/generative/models.txt is trained on
# MNIST (the 10k training slice) and on Fashion-MNIST (its first FASHION_TRAIN_LIMIT training images; empty for all
# 60,000) with the same budget, EPOCHS epochs each, then evaluated with `ae eval RUN --generative`: the test
# reconstruction error, the IWAE bound with k = 1000 on the first IWAE_LIMIT test images for models that define a
# likelihood, and the Fréchet distance between classifier features of the 10,000 test images and of GENERATED
# decoded prior samples. The classifier (a small conv net, not Inception) is trained once per dataset with seed 1 and
# kept in experiments/generative/.classifiers/<dataset>/ (ignored by git; retrained when missing).
# Each row is written to experiments/generative/rows/<model>-<dataset>.json as it finishes; the table is then made
# from all rows (experiments/generative/results.md and the last section of docs/generative.md).
# Usage: experiments/generative/run.sh [EPOCHS]          (default 10; EPOCHS=... also works)
#        ONLY="vae aae" DATASETS="mnist" experiments/generative/run.sh 2     (a subset)
#        experiments/generative/run.sh --table-only       (remake the tables from the rows already written)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=experiments/generative
PY=${PYTHON:-/usr/bin/python3}
if [ "${1:-}" = "--table-only" ]; then exec "$PY" "$OUT/table.py"; fi
EPOCHS=${1:-${EPOCHS:-10}}
DATASETS=${DATASETS:-mnist fashion-mnist}
FASHION_TRAIN_LIMIT=${FASHION_TRAIN_LIMIT-10000}
IWAE_LIMIT=${IWAE_LIMIT:-100}
GENERATED=${GENERATED:-10000}
RUNS=${RUNS:-/tmp/generative-runs}
. experiments/generative/environment.sh
ae="dotnet $AE_DLL"
mkdir -p "$RUNS" "$OUT/rows" "$OUT/logs"

run_one() { # model recipe dataset
  local model=$1 recipe=$2 dataset=$3 limit=() log dir start end load_start
  [ "$dataset" = fashion-mnist ] && [ -n "$FASHION_TRAIN_LIMIT" ] && limit=(--train-limit "$FASHION_TRAIN_LIMIT")
  log="$OUT/logs/$model-$dataset.log"
  load_start=$(cut -d' ' -f1 /proc/loadavg)
  start=$(date +%s)
  echo "== $model on $dataset ($(date -u +%H:%M:%S), load $load_start)"
  $ae train --recipe "$recipe" --dataset "$dataset" "${limit[@]}" --epochs "$EPOCHS" --out "$RUNS" --name "$model-$dataset" --progress lines < /dev/null > "$log" 2>&1 || return 1
  dir=$(grep '^saved' "$log" | awk '{print $2}')
  $ae eval "$dir" --generative --classifier "$OUT/.classifiers/$dataset" --iwae-samples 1000 --iwae-limit "$IWAE_LIMIT" \
    --generated "$GENERATED" --seed 1 --json < /dev/null > "$OUT/rows/$model-$dataset.json.tmp" 2>> "$log" || return 1
  end=$(date +%s)
  "$PY" - "$OUT/rows/$model-$dataset.json.tmp" "$dir/history.json" "$model" "$recipe" "$dataset" "$EPOCHS" "$AE_THREADS" "$load_start" "$((end - start))" "${limit[1]:-all}" <<'PYEOF'
import json, sys, datetime
path, history, model, recipe, dataset, epochs, threads, load_start, wall, train_limit = sys.argv[1:]
row = json.load(open(path)); h = json.load(open(history))
row.update(name=model, recipe=recipe, dataset=dataset, epochs=len(h["epochs"]), requested_epochs=int(epochs),
           train_seconds=sum(e["seconds"] for e in h["epochs"]), threads=int(threads), train_limit=train_limit,
           load_start=float(load_start), load_end=float(open("/proc/loadavg").read().split()[0]),
           wall_seconds=int(wall), date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
json.dump(row, open(path[:-4], "w"), indent=1)
PYEOF
  [ -f "$OUT/rows/$model-$dataset.json" ] || return 1
  rm -f "$OUT/rows/$model-$dataset.json.tmp"
  echo "   done in $((end - start)) s"
}

# Every model on the first dataset, then every model on the next: a run cut short still has whole datasets.
for dataset in $DATASETS; do
  while read -r model recipe fashion_recipe; do
    case "$model" in ''|'#'*) continue ;; esac
    # A third column is the recipe for Fashion-MNIST where the kind has its own (the others get --dataset).
    [ "$dataset" = fashion-mnist ] && [ -n "$fashion_recipe" ] && recipe=$fashion_recipe
    if [ -n "${ONLY:-}" ] && [[ " $ONLY " != *" $model "* ]]; then continue; fi
    if [ ! -f "$recipe" ]; then echo "== $model: $recipe is missing; skipped"; continue; fi
    run_one "$model" "$recipe" "$dataset" || echo "   $model on $dataset FAILED (see $OUT/logs/$model-$dataset.log)"
  done < "$OUT/models.txt"
done
"$PY" "$OUT/table.py"
