#!/usr/bin/env bash
# Two-thread A/B of the training step (docs/performance.md, "2026-12-07: two threads"):
#   bash bench/threads/ab.sh [ROUNDS] [BATCH] [STEPS]
# runs `ae-bench steps` (hinton-784-1000-500-250-30, BATCH, STEPS steps after 20 warm-up steps) once per setting
# per round, the settings interleaved, and prints one line per run: setting, wall s, process CPU s, load.
# On a shared machine, AE_AB_NICE=-20 (root) runs each measurement in a session of its own whose scheduler
# autogroup gets nice -20 (/proc/self/autogroup; plain `nice` only ranks threads within one session's autogroup), so
# that other sessions' jobs take little of the cores from it (CFS weighs a nice -20 group about 88 times a nice-0
# one) while the threads of the measured process still compete with each other as on a quiet machine.
# AE_AB_SETTINGS overrides the settings: a list of "NAME:VAR=VALUE,VAR=VALUE" words.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rounds="${1:-3}"; batch="${2:-64}"; steps="${3:-300}"
bench="$root/bench/AutoEncoders.Bench/bin/Release/net10.0/ae-bench.dll"
[ -f "$bench" ] || dotnet build -c Release "$root/bench/AutoEncoders.Bench" -v q -nologo >/dev/null
settings=(${AE_AB_SETTINGS:-"1-thread:AE_THREADS=1" "2-threads:AE_THREADS=2"})
nice_cmd=(); [ -n "${AE_AB_NICE:-}" ] && nice_cmd=(setsid bash -c 'echo "$0" > /proc/self/autogroup && exec "$@"' "$AE_AB_NICE")
for ((r = 1; r <= rounds; r++)); do
  for s in "${settings[@]}"; do
    name="${s%%:*}"; vars="${s#*:}"
    line=$(env ${vars//,/ } "${nice_cmd[@]}" dotnet "$bench" steps "$root/recipes/hinton-784-1000-500-250-30.json" "$batch" "$steps" 2>/dev/null)
    /usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[2]); print("%s\t%.2f\t%.2f\t%s" % (sys.argv[1], d["wall_s"], d["process_cpu_s"], d["load"]))' "$name" "$line"
  done
done
