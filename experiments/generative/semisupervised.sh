#!/usr/bin/env bash
# Semi-supervised adversarial autoencoder (Makhzani et al. 2015, section 5; issue 21): recipes/aae-semisupervised-100.json
# and -1000.json trained on the MNIST 10k training slice, of which only 100 or 1,000 labels are used (a class-balanced
# choice drawn with labelSeed = the seed; the rest of the 10,000 images train without labels), then the test
# classification error on the official 10,000 test digits (metrics.json's classification_error, written by ae train).
# Each seed sets the initialisation, the shuffling and the choice of the labelled examples.
# Rows go to experiments/generative/semisupervised/rows/<labels>-s<seed>.json as each run finishes; the summary to
# experiments/generative/semisupervised/results.md (mean ± sd over seeds).
# Usage: experiments/generative/semisupervised.sh [EPOCHS]     (default 20; SEEDS="1 2 3" LABELS="100 1000")
#        experiments/generative/semisupervised.sh --table-only
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=experiments/generative/semisupervised
PY=${PYTHON:-/usr/bin/python3}
if [ "${1:-}" = "--table-only" ]; then exec "$PY" "$OUT/summarize.py"; fi
EPOCHS=${1:-${EPOCHS:-20}}
SEEDS=${SEEDS:-1 2 3}
LABELS=${LABELS:-100 1000}
RUNS=${RUNS:-/tmp/generative-runs}
. experiments/generative/environment.sh
mkdir -p "$RUNS" "$OUT/rows" "$OUT/logs"
for seed in $SEEDS; do
  for labels in $LABELS; do
    name="ssaae-$labels-s$seed"
    recipe=$(mktemp --suffix=.json)
    # The recipe with labelSeed set to the seed (recipes are JSON with // comments).
    "$PY" - "recipes/aae-semisupervised-$labels.json" "$seed" > "$recipe" <<'PYEOF'
import json, re, sys
text = "\n".join(l for l in open(sys.argv[1]).read().splitlines() if not l.strip().startswith("//"))
r = json.loads(text); r["model"]["labelSeed"] = int(sys.argv[2]); print(json.dumps(r, indent=1))
PYEOF
    load_start=$(cut -d' ' -f1 /proc/loadavg); start=$(date +%s)
    echo "== $name ($(date -u +%H:%M:%S), load $load_start)"
    if ! dotnet "$AE_DLL" train --recipe "$recipe" --epochs "$EPOCHS" --seed "$seed" --out "$RUNS" --name "$name" \
        --progress lines < /dev/null > "$OUT/logs/$name.log" 2>&1; then
      echo "   FAILED (see $OUT/logs/$name.log)"; rm -f "$recipe"; continue
    fi
    rm -f "$recipe"
    dir=$(grep '^saved' "$OUT/logs/$name.log" | awk '{print $2}')
    "$PY" - "$dir" "$labels" "$seed" "$EPOCHS" "$AE_THREADS" "$load_start" "$(( $(date +%s) - start ))" > "$OUT/rows/$name.json" <<'PYEOF'
import json, sys, datetime
d, labels, seed, epochs, threads, load_start, wall = sys.argv[1:]
m = json.load(open(f"{d}/metrics.json")); h = json.load(open(f"{d}/history.json"))
print(json.dumps(dict(labels=int(labels), seed=int(seed), epochs=len(h["epochs"]), threads=int(threads),
    test_error=m["classification_error"], test_squared_error=m["squared_error_per_sample"],
    train_labelled_error_last_epoch=h["epochs"][-1]["train"].get("classification_error"),
    train_seconds=sum(e["seconds"] for e in h["epochs"]), wall_seconds=int(wall), load_start=float(load_start),
    load_end=float(open("/proc/loadavg").read().split()[0]),
    date=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")), indent=1))
PYEOF
    echo "   test error $("$PY" -c "import json;print(json.load(open('$OUT/rows/$name.json'))['test_error'])")"
  done
done
"$PY" "$OUT/summarize.py"
