#!/usr/bin/env bash
# Opens the latent-space explorer of the main job's run (scripts/main-job.sh): installs what is missing, builds
# `ae`, and serves the newest runs/hinton-784-1000-500-250-30-* (or the run folder given first) at
# http://127.0.0.1:8080/ until Ctrl+C. Further arguments go to `ae serve` (e.g. --port 9000, --detector DIR).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup.sh"
cd "$root"
run=""
if [ $# -gt 0 ] && [ -d "$1" ]; then
  run="$1"
  shift
else
  run="$(ls -td runs/hinton-784-1000-500-250-30-*/ 2>/dev/null | head -1 || true)"
fi
if [ -z "$run" ] || [ ! -f "$run/model.json" ]; then
  echo "error: no finished run of the main job under runs/: run scripts/main-job.sh first (or pass a run folder)." >&2
  exit 1
fi
dotnet build src/AutoEncoders.Cli -c Release -v quiet -nologo >/dev/null
exec dotnet src/AutoEncoders.Cli/bin/Release/net10.0/ae.dll serve "$run" "$@"
