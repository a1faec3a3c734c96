#!/usr/bin/env bash
# The benchmark in one command: bash bench/run.sh   (writes bench/RESULTS.md; about 10 minutes at 1 thread)
# Threads: AE_THREADS (default 1) for both sides. Needs Debian's python3-torch for the peer (installed if missing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export AE_THREADS="${AE_THREADS:-1}" OMP_NUM_THREADS="${AE_THREADS:-1}"
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
echo "[1/4] training throughput, ours and PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)') interleaved recipe by recipe"
: > "$out/ours-train.jsonl"; : > "$out/peer-train.jsonl"; : > "$out/train.log"
for name in "${names[@]}"; do
  dotnet "$bench_dll" train recipes "$name" >> "$out/ours-train.jsonl" 2>> "$out/train.log"
  /usr/bin/python3 bench/peer.py recipes train "$name" >> "$out/peer-train.jsonl" 2>> "$out/train.log"
  tail -n 2 "$out/train.log"
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
/usr/bin/python3 bench/report.py "$out" > bench/RESULTS.md
echo "wrote bench/RESULTS.md"
