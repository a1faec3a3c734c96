#!/usr/bin/env bash
# Streaming benchmark: bash bench/streaming/run.sh   (writes bench/streaming/out/results.jsonl; about 20 minutes at 1 thread)
# Generates float32 .npy files of 2 GiB and 8 GiB (and a 2 GiB Parquet file), trains the 784-128-32 dense autoencoder
# (MSE, Adam, batch 256) for STEPS steps from each, streamed, and from the 2 GiB file loaded into memory, alternating;
# records throughput (after 20 warm-up steps) and the process's peak resident memory (VmHWM). The generated files are
# deleted on exit, whatever happens. Needs about 9 GB of free disk (one file at a time): files go to STREAM_BENCH_DIR (default: a new
# folder under /tmp).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export AE_THREADS="${AE_THREADS:-1}" OMP_NUM_THREADS="${AE_THREADS:-1}"
steps="${STEPS:-2000}"
out=bench/streaming/out
mkdir -p "$out"
work="${STREAM_BENCH_DIR:-$(mktemp -d /tmp/stream-bench.XXXXXX)}"
mkdir -p "$work"
trap 'rm -f "$work"/*.npy "$work"/*.parquet; rmdir "$work" 2>/dev/null || true' EXIT

dotnet build -c Release bench/streaming/StreamBench -v q -nologo >/dev/null
bench=bench/streaming/StreamBench/bin/Release/net10.0/stream-bench
results="$out/results.jsonl"
: > "$results"
features=784
rows_2g=$(( (2 << 30) / (features * 4) ))
rows_8g=$(( (8 << 30) / (features * 4) ))

# The page cache is not part of the resident set: the files are read with pread(2) into the blocks' memory, never
# mapped. What is cached is recorded (fincore) before each run; dropping caches needs CAP_SYS_ADMIN, tried below.
cached() { fincore --bytes --noheadings --output RES "$1" 2>/dev/null | tr -d ' ' || echo unknown; }
drop() { if sync && echo 1 > /proc/sys/vm/drop_caches 2>/dev/null; then echo dropped; else echo "not permitted"; fi; }
run() {
  local file=$1 mode=$2 note=$3
  local line before
  before=$(cached "$file")
  line=$("$bench" train "$file" "$mode" "$steps")
  echo "${line%\}},\"cached_bytes_before\":\"$before\",\"cached_bytes_after\":\"$(cached "$file")\",\"note\":\"$note\"}" | tee -a "$results"
}

echo "[1/4] 2 GiB .npy ($rows_2g x $features float32): in memory and streamed, alternating, twice"
"$bench" gen-npy "$work/2g.npy" "$rows_2g" "$features"
for i in 1 2; do
  run "$work/2g.npy" memory "pass $i"
  run "$work/2g.npy" stream "pass $i"
done

echo "[2/4] 2 GiB Parquet (row groups of 20,000 rows, uncompressed), streamed"
"$bench" gen-parquet "$work/2g.parquet" "$rows_2g" "$features" 20000
run "$work/2g.parquet" stream "parquet"
rm -f "$work/2g.parquet" "$work/2g.npy"

echo "[3/4] 8 GiB .npy ($rows_8g x $features float32), streamed"
"$bench" gen-npy "$work/8g.npy" "$rows_8g" "$features"
run "$work/8g.npy" stream "after writing (page cache as left by the writer)"
echo "drop caches: $(drop)" | tee -a "$out/notes.txt"
run "$work/8g.npy" stream "after the attempt to drop caches"

echo "[4/4] done: $results; machine: $(nproc) cores, load $(cat /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
