#!/usr/bin/env bash
# Float32 conv2d gradients against float64 at each oneDNN instruction-set cap, in libtorch 2.10 (TorchSharp, via the
# ConvGradient tests) and in the system's PyTorch (conv_grad.py), with oneDNN's verbose log of the primitives used.
#   bash bench/onednn-conv-repro/run.sh      (about 2 minutes; logs in bench/onednn-conv-repro/out/)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
out=bench/onednn-conv-repro/out
mkdir -p "$out"
export AE_THREADS="${AE_THREADS:-1}"
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), flags: $(grep -m1 flags /proc/cpuinfo | tr ' ' '\n' | grep -E '^avx' | tr '\n' ' ')"
dotnet build tests/AutoEncoders.Tests -c Release -v q -nologo >/dev/null || exit 1
for isa in ALL AVX512_CORE_AMX AVX512_CORE AVX2 AVX; do
  ONEDNN_MAX_CPU_ISA=$isa ONEDNN_VERBOSE=1 dotnet test tests/AutoEncoders.Tests -c Release --no-build \
    --filter "FullyQualifiedName~ConvGradient" --logger "console;verbosity=normal" > "$out/libtorch-$isa.log" 2>&1
  result=$(grep -Eo 'Passed: *[0-9]+|Failed: *[0-9]+' "$out/libtorch-$isa.log" | tr '\n' ' ')
  used=$(grep -m1 -o 'isa:[^,]*' "$out/libtorch-$isa.log")
  impl=$(grep -o 'convolution,[^,]*,backward_data' "$out/libtorch-$isa.log" | sort -u | tr '\n' ' ')
  echo "libtorch 2.10 (oneDNN $(grep -m1 -o 'oneDNN v[0-9.]*' "$out/libtorch-$isa.log" | cut -c8-)), cap $isa ($used): $result $impl"
  grep -o 'off by [^(]*' "$out/libtorch-$isa.log" | sed 's/^/    /' | head -3
done
for isa in ALL AVX2 AVX; do
  echo "== PyTorch, ONEDNN_MAX_CPU_ISA=$isa"
  ONEDNN_MAX_CPU_ISA=$isa DNNL_MAX_CPU_ISA=$isa /usr/bin/python3 bench/onednn-conv-repro/conv_grad.py
done
