#!/usr/bin/env bash
# The benchmark in one command: bash bench/run.sh   (writes bench/RESULTS.md; about 10 minutes at 1 thread)
# Threads: AE_THREADS (default 1) for both sides. Needs Debian's python3-torch for the peer (installed if missing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export AE_THREADS="${AE_THREADS:-1}" OMP_NUM_THREADS="${AE_THREADS:-1}"
out=bench/out
mkdir -p "$out"

if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "Installing Debian's python3-torch (the PyTorch peer)..."
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends python3-torch python3-yaml libopenblas0-pthread >/dev/null
fi

dotnet build -c Release bench/AutoEncoders.Bench -v q -nologo >/dev/null
bench_dll=bench/AutoEncoders.Bench/bin/Release/net10.0/ae-bench.dll
echo "[1/4] ours: matmul, training throughput, time split, encode"
dotnet "$bench_dll" ours recipes > "$out/ours.json" 2> "$out/ours.log"
echo "[2/4] peer: PyTorch $(/usr/bin/python3 -c 'import torch; print(torch.__version__)')"
/usr/bin/python3 bench/peer.py recipes > "$out/peer.json" 2> "$out/peer.log"
echo "[3/4] peak memory of a 1-epoch hinton-784-1000-500-250-30 run on all 60,000 Fashion-MNIST images"
dotnet "$bench_dll" rss recipes/hinton-784-1000-500-250-30.json 1 > "$out/rss.json" 2> "$out/rss.log"
echo "[4/4] ae --help"
dotnet build -c Release src/AutoEncoders.Cli -v q -nologo >/dev/null
help_times=()
for i in 1 2 3 4 5; do
  s=$(date +%s.%N); src/AutoEncoders.Cli/bin/Release/net10.0/ae --help >/dev/null; e=$(date +%s.%N)
  help_times+=("$(echo "$e - $s" | bc)")
done
printf '%s\n' "${help_times[@]}" > "$out/help.txt"
if LD_DEBUG=libs src/AutoEncoders.Cli/bin/Release/net10.0/ae --help 2>&1 >/dev/null | grep -q 'libtorch'; then echo yes > "$out/help-loads-libtorch.txt"; else echo no > "$out/help-loads-libtorch.txt"; fi
/usr/bin/python3 bench/report.py "$out" > bench/RESULTS.md
echo "wrote bench/RESULTS.md"
