#!/usr/bin/env bash
# The benchmark in one command: bash bench/run.sh   (writes bench/RESULTS.md; about 15 minutes on a quiet 2-core machine)
# Threads: the training-throughput table is made once per entry of AE_BENCH_THREADS (default "1 2": the 1-thread
# and the 2-thread tables and the speed-up between them), both sides at the same count; the other parts run at the
# first entry. Needs Debian's python3-torch for the peer (installed if missing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
thread_counts=(${AE_BENCH_THREADS:-1 2})
export AE_THREADS="${thread_counts[0]}" OMP_NUM_THREADS="${thread_counts[0]}"
out=bench/out
mkdir -p "$out"

if ! /usr/bin/python3 -c 'import torch, yaml' 2>/dev/null; then
  echo "Installing Debian's python3-torch (the PyTorch peer)..."
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends python3-torch python3-yaml libopenblas0-pthread >/dev/null
fi

dotnet build -c Release bench/AutoEncoders.Bench -v q -nologo >/dev/null
bench_dll=bench/AutoEncoders.Bench/bin/Release/net10.0/ae-bench.dll
names=(hinton-784-1000-500-250-30 hinton-784-1000-500-250-2 dense-784-2-relu dense-784-128-64-12-3-tanh
       dense-sparse-l1 dense-sparse-kl dense-denoising dense-contractive conv-keras lstm-140x1-64 vae-784-400-20)
# AE_BENCH_RECIPES="a b" limits the throughput tables to these (a quick check of the script; keep hinton-784-1000-500-250-30).
[ -n "${AE_BENCH_RECIPES:-}" ] && names=(${AE_BENCH_RECIPES})
echo "[1/4] training throughput, ours and PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') interleaved recipe by recipe"
: > "$out/train.log"
rm -f "$out"/ours-train*.jsonl "$out"/peer-train*.jsonl
for threads in "${thread_counts[@]}"; do
  # The first count's table keeps the plain names; the others get a -tN suffix (report.py reads both).
  suffix=""; [ "$threads" != "${thread_counts[0]}" ] && suffix="-t$threads"
  : > "$out/ours-train$suffix.jsonl"; : > "$out/peer-train$suffix.jsonl"
  echo "  $threads thread(s)"
  for name in "${names[@]}"; do
    AE_THREADS=$threads OMP_NUM_THREADS=$threads dotnet "$bench_dll" train recipes "$name" >> "$out/ours-train$suffix.jsonl" 2>> "$out/train.log"
    AE_THREADS=$threads OMP_NUM_THREADS=$threads /usr/bin/python3 bench/peer.py recipes train "$name" >> "$out/peer-train$suffix.jsonl" 2>> "$out/train.log"
    tail -n 2 "$out/train.log"
  done
done
echo "[2/4] matmul limit, time split, encode: ours, then the peer"
dotnet "$bench_dll" ours recipes > "$out/ours.json" 2> "$out/ours.log"
/usr/bin/python3 bench/peer.py recipes > "$out/peer.json" 2> "$out/peer.log"
echo "[3/4] peak memory of a 1-epoch hinton-784-1000-500-250-30 run on all 60,000 Fashion-MNIST images"
dotnet "$bench_dll" rss recipes/hinton-784-1000-500-250-30.json 1 > "$out/rss.json" 2> "$out/rss.log"
echo "[4/4] ae --help"
dotnet build -c Release src/AutoEncoders.Cli -v q -nologo >/dev/null
help_times=()
for i in 1 2 3 4 5; do
  s=$(date +%s.%N); src/AutoEncoders.Cli/bin/Release/net10.0/ae --help >/dev/null; e=$(date +%s.%N)
  help_times+=("$(/usr/bin/python3 -c "print($e - $s)")")
done
printf '%s\n' "${help_times[@]}" > "$out/help.txt"
if LD_DEBUG=libs src/AutoEncoders.Cli/bin/Release/net10.0/ae --help 2>&1 >/dev/null | grep -q 'libtorch'; then echo yes > "$out/help-loads-libtorch.txt"; else echo no > "$out/help-loads-libtorch.txt"; fi
/usr/bin/python3 bench/report.py "$out" "$SECONDS" > bench/RESULTS.md
echo "wrote bench/RESULTS.md in $SECONDS s"
