#!/usr/bin/env bash
# bench/serve: a bounded load on `ae serve` at 127.0.0.1 that stops by itself. Single-image encode with dynamic
# batching off (--max-batch 1) and on (--max-batch 64 --max-wait-ms 2), and single-image score, at 1, 16 and 64
# concurrent clients; requests/s and p50/p99 latency (ae-bench serve-load). Prints a Markdown table and the machine
# (cores, load average before and after) for bench/serve/RESULTS.md.
#   bench/serve/run.sh [RUN_DIR]   the model to serve; default: the main job's recipe trained 1 epoch on 6,000 images
# The image detector for /v1/score is fitted here (Fashion-MNIST without class 9, 6,000 images, 2 epochs).
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

# One Fashion-MNIST test image as the body of every request.
/usr/bin/python3 - "$out/image.json" <<'PY'
import gzip, json, sys
with gzip.open('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz') as f:
    data = f.read()
image = [round(b / 255, 4) for b in data[16:16 + 784]]
json.dump({"inputs": [image]}, open(sys.argv[1], "w"))
PY

port=18080
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); cores: $(nproc); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "model: $(basename "$(cd "$run" && pwd)"); detector: $out/detector"
echo
echo "| endpoint | batching | clients | requests | requests/s | p50 ms | p99 ms | errors |"
echo "|---|---|---:|---:|---:|---:|---:|---:|"
for mode in off on; do
  if [ "$mode" = off ]; then batch=(--max-batch 1); else batch=(--max-batch 64 --max-wait-ms 2); fi
  $ae serve "$run" --detector "$out/detector" --port $port "${batch[@]}" --explore-items 10 > "$out/serve-$mode.log" 2>&1 &
  server=$!
  for _ in $(seq 240); do curl -sf "http://127.0.0.1:$port/v1/health" >/dev/null && break; sleep 0.5; done
  for path in v1/encode v1/score; do
    for clients in 1 16 64; do
      requests=$(( clients == 1 ? 1000 : clients == 16 ? 4000 : 8000 ))
      line=$($load "http://127.0.0.1:$port/" "$path" "$out/image.json" "$clients" "$requests")
      echo "$line" >> "$out/results.jsonl"
      /usr/bin/python3 -c "import json,sys; r=json.loads(sys.argv[1]); print(f\"| /{r['path']} | $mode | {r['clients']} | {r['requests']} | {r['rps']} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors']} |\")" "$line"
    done
  done
  kill -TERM "$server"
  wait "$server" || true
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
