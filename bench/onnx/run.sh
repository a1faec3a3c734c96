#!/usr/bin/env bash
# Encoding Fashion-MNIST's test set with the 30-D encoder of recipes/hinton-784-1000-500-250-30.json through ONNX
# Runtime (the AutoEncoders.Onnx package) against TorchSharp, one thread each, in one run; writes bench/onnx/RESULTS.md.
# Usage: bench/onnx/run.sh [TRAIN_STEPS] [ROUNDS]   (defaults 200 and 5)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
dotnet build bench/onnx/OnnxBench/OnnxBench.csproj -c Release -nologo -v quiet >/dev/null
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
table="$(dotnet bench/onnx/OnnxBench/bin/Release/net10.0/ae-onnx-bench.dll recipes/hinton-784-1000-500-250-30.json "${1:-200}" "${2:-5}")"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
{
  echo "# ONNX Runtime vs TorchSharp: encoding Fashion-MNIST's test set with the 30-D encoder"
  echo
  echo "\`bench/onnx/run.sh ${1:-200} ${2:-5}\`, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
  echo "load average $load_before before and $load_after after (1, 5, 15 min)."
  echo "TorchSharp-cpu 0.107.0 (libtorch 2.10), Microsoft.ML.OnnxRuntime 1.32.0, $(dotnet --version) SDK."
  echo "A load average above the core count means other jobs shared the machine: absolute rates are then low and noisy,"
  echo "and the ratio column (both sides measured in alternating rounds of one process) is the figure to read."
  echo
  echo "$table"
} > bench/onnx/RESULTS.md
cat bench/onnx/RESULTS.md
