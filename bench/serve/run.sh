#!/usr/bin/env bash
# bench/serve: a bounded load on `ae serve` at 127.0.0.1 that stops by itself (about 2-3 minutes on 2 quiet cores).
# Single-image encode (JSON and .npy bodies) and score with dynamic batching off (--max-batch 1) and on
# (--max-batch 64 --max-wait-ms 2), at 1, 16 and 64 concurrent clients: requests/s, p50/p99 latency, and the CPU
# milliseconds per request of the server and of the load client (ae-bench serve-load), which the wall-clock figures
# hide on a shared machine. Each server is warmed up first (not counted), so tiered compilation has finished.
# Writes the table into bench/serve/RESULTS.md (the "Latest run" section) and prints it.
#   bench/serve/run.sh [RUN_DIR]   the model to serve; default: the main job's recipe trained 1 epoch on 6,000 images
# The image detector for /v1/score is fitted here (Fashion-MNIST without class 9, 6,000 images, 2 epochs).
# AE_SERVE_THREADS sets the server's libtorch threads (default: all cores).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$root/scripts/setup.sh"
cd "$root"
out=bench/serve/out
mkdir -p "$out"
dotnet build src/AutoEncoders.Cli -c Release -v quiet -nologo >/dev/null
dotnet build bench/AutoEncoders.Bench -c Release -v quiet -nologo >/dev/null
ae="dotnet src/AutoEncoders.Cli/bin/Release/net10.0/ae.dll"
load="dotnet bench/AutoEncoders.Bench/bin/Release/net10.0/ae-bench.dll serve-load"

run="${1:-}"
if [ -z "$run" ]; then
  if [ ! -f "$out/run/model.json" ]; then
    rm -rf "$out/runs" "$out/run"
    $ae train --recipe recipes/hinton-784-1000-500-250-30.json --epochs 1 --train-limit 6000 --progress silent --out "$out/runs" >/dev/null
    mv "$out/runs"/* "$out/run"
  fi
  run="$out/run"
fi
if [ ! -f "$out/detector/detector.json" ]; then
  $ae detect fit --dataset fashion-mnist --anomaly-class 9 --limit 6000 --epochs 2 --score reconstruction -o "$out/detector" >/dev/null
fi

# One Fashion-MNIST test image as the body of every request, as JSON (784 numbers of 4 decimals) and as .npy (float32).
/usr/bin/python3 - "$out/image.json" "$out/image.npy" <<'PY'
import gzip, json, sys
import numpy as np
with gzip.open('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz') as f:
    data = f.read()
image = [round(b / 255, 4) for b in data[16:16 + 784]]
json.dump({"inputs": [image]}, open(sys.argv[1], "w"))
np.save(sys.argv[2], np.array([image], dtype=np.float32))
PY

threads="${AE_SERVE_THREADS:-$(nproc)}"
port=18080
table="$out/latest.md"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit: $(git rev-parse --short HEAD); cores: $(nproc); server libtorch threads: $threads"
  echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "model: $(basename "$(cd "$run" && pwd)"); detector: $out/detector"
  echo
  echo "| endpoint | body | batching | clients | requests | requests/s | p50 ms | p99 ms | server CPU ms/request | client CPU ms/request | errors |"
  echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
} > "$table"
cat "$table"
row() { # PATH BODY CLIENTS REQUESTS MODE SERVER_PID
  local line
  line=$($load "http://127.0.0.1:$port/" "$1" "$out/$2" "$3" "$4" "$6")
  echo "$line" >> "$out/results.jsonl"
  /usr/bin/python3 -c "import json,sys; r=json.loads(sys.argv[1]); print(f\"| /{r['path']} | {sys.argv[2].split('.')[-1]} | {sys.argv[3]} | {r['clients']} | {r['requests']} | {r['rps']} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['server_cpu_ms']:.3f} | {r['client_cpu_ms']:.3f} | {r['errors']} |\")" "$line" "$2" "$5" | tee -a "$table"
}
for mode in off on; do
  if [ "$mode" = off ]; then batch=(--max-batch 1); else batch=(--max-batch 64 --max-wait-ms 2); fi
  $ae serve "$run" --detector "$out/detector" --port $port --threads "$threads" "${batch[@]}" --explore-items 10 > "$out/serve-$mode.log" 2>&1 &
  server=$!
  for _ in $(seq 240); do curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null && break; sleep 0.5; done
  # Warm-up, not counted: the server's hot paths reach optimised code before any row is measured.
  $load "http://127.0.0.1:$port/" v1/encode "$out/image.json" 64 20000 >/dev/null
  $load "http://127.0.0.1:$port/" v1/encode "$out/image.npy" 64 5000 >/dev/null
  $load "http://127.0.0.1:$port/" v1/score "$out/image.json" 64 5000 >/dev/null
  for path in v1/encode v1/score; do
    for clients in 1 16 64; do
      row "$path" image.json "$clients" $(( clients == 1 ? 2000 : clients == 16 ? 8000 : 20000 )) "$mode" "$server"
    done
  done
  row v1/encode image.npy 64 20000 "$mode" "$server"
  kill -TERM "$server"
  wait "$server" || true
done
echo | tee -a "$table"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$table"

# RESULTS.md: the text above "## Latest run", this run's table, and everything from "## Earlier runs" on, kept.
/usr/bin/python3 - bench/serve/RESULTS.md "$table" <<'PY'
import sys
results, table = sys.argv[1], open(sys.argv[2]).read()
text = open(results).read()
head = text.split("## Latest run")[0]
tail = text[text.index("## Earlier runs"):] if "## Earlier runs" in text else ""
open(results, "w").write(f"{head}## Latest run\n\n`bench/serve/run.sh`:\n\n```\n{table}```\n\n{tail}")
PY
echo "written: bench/serve/RESULTS.md"
