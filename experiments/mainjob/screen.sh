#!/usr/bin/env bash
# One screen of the main job's recipe: `screen.sh NAME RECIPE EPOCHS [ae train options...]` trains RECIPE for EPOCHS
# at one thread (the schedule spans those epochs), and appends to screens.tsv: name, epochs, CPU seconds (user+sys of
# the whole process), wall seconds, load average at the start and end, final training loss per pixel, test squared
# error per image. Logs and metrics stay in runs-screen/NAME/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
name="$1"; recipe="$2"; epochs="$3"; shift 3
ae="${AE_DLL:-$root/src/AutoEncoders.Cli/bin/Release/net10.0/ae.dll}"
out="$here/runs-screen"
mkdir -p "$out"
rm -rf "$out/$name"
load0=$(cut -d' ' -f1 /proc/loadavg)
start=$(date +%s.%N)
export AE_THREADS=1
/usr/bin/time -f "%U %S" -o "$out/$name.time" dotnet "$ae" train --recipe "$recipe" --epochs "$epochs" --threads 1 \
  --out "$out" --name "$name" --progress lines "$@" > "$out/$name.log" 2>&1
end=$(date +%s.%N)
load1=$(cut -d' ' -f1 /proc/loadavg)
cpu=$(awk '{printf "%.0f", $1+$2}' "$out/$name.time")
wall=$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.0f", b-a}')
run=$(ls -d "$out/$name"-20* 2>/dev/null | tail -1 || true)
train=$(tail -1 "$run/history.csv" | cut -d, -f5)
test=$(grep -o '"squared_error_per_sample": [0-9.]*' "$run/metrics.json" | awk '{printf "%.3f", $2}')
printf '%s\t%s\t%s\t%s\t%s-%s\t%s\t%s\t%s\n' "$name" "$epochs" "$cpu" "$wall" "$load0" "$load1" "$train" "$test" "$*" >> "$here/screens.tsv"
