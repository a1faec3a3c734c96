#!/usr/bin/env bash
# Images: the two table/image scores side by side on one-class-out image anomaly detection. For each dataset and
# class c, `ae detect fit --dataset D --split train --anomaly-class c` (every other class is normal; defaults apart
# from --score), then `ae detect score` on the test split (class c is the anomaly): test ROC-AUC and PR-AUC of
# `--score combined` (the images' default) and `--score knn-max` (the tables' default), with the library's own PCA
# (90 % of the variance) and exact 5-NN baselines that `score` prints. One fit per cell, seed 1, one thread.
# MNIST (its 10,000-image training slice in ../shared) is the development set that chooses the images' default;
# Fashion-MNIST (Debian's full set) checks the choice. Writes a markdown section to stdout.
# Usage: bench/anomaly/images.sh [datasets...]   (default: mnist fashion-mnist; about 25 minutes each at one thread)
set -euo pipefail
cd "$(dirname "$0")/../.."
datasets=("$@")
[ $# -eq 0 ] && datasets=(mnist fashion-mnist)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet build src/AutoEncoders.Cli/AutoEncoders.Cli.csproj -c Release >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
ae() { AE_THREADS=1 dotnet src/AutoEncoders.Cli/bin/Release/net10.0/ae.dll "$@"; }
data=(--data-dir "$(realpath ../shared/datasets)")
roc() { sed -n "s/^$1.*ROC-AUC \([0-9.]*\), PR-AUC \([0-9.]*\).*/\1 \2/p" "$2" | head -1; }

echo "## Images: one class held out as the anomaly"
echo
echo "Written by \`bash bench/anomaly/images.sh\` (started $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores, one thread;"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)). Test ROC-AUC (PR-AUC) per held-out class; ours with defaults"
echo "except \`--score\`; PCA and 5-NN are the baselines \`ae detect score\` prints (5-NN over at most 20,000 training rows)."
for d in "${datasets[@]}"; do
  echo
  echo "### $d"
  echo
  echo "| held-out class | combined | knn-max | PCA (90 %) | 5-NN |"
  echo "| ---: | ---: | ---: | ---: | ---: |"
  sums="0 0 0 0"
  for c in 0 1 2 3 4 5 6 7 8 9; do
    cells=()
    for score in combined knn-max; do
      ae detect fit --dataset "$d" "${data[@]}" --split train --anomaly-class "$c" --score "$score" --seed 1 -o "$work/$score" >"$work/fit.log" 2>&1 \
        || { cat "$work/fit.log" >&2; exit 1; }
      ae detect score "$work/$score" --dataset "$d" "${data[@]}" --split test >"$work/score-$score.log" 2>&1 \
        || { cat "$work/score-$score.log" >&2; exit 1; }
      cells+=("$(roc result "$work/score-$score.log")")
      rm -rf "${work:?}/$score"
    done
    cells+=("$(roc "baseline PCA" "$work/score-combined.log")" "$(roc "baseline exact 5-NN" "$work/score-combined.log")")
    line="| $c |"
    for cell in "${cells[@]}"; do read -r r p <<<"$cell"; line+=" $r ($p) |"; done
    echo "$line"
    sums=$(awk -v s="$sums" -v a="${cells[0]%% *}" -v b="${cells[1]%% *}" -v p="${cells[2]%% *}" -v k="${cells[3]%% *}" \
      'BEGIN { split(s, x, " "); printf "%.6f %.6f %.6f %.6f", x[1] + a, x[2] + b, x[3] + p, x[4] + k }')
  done
  echo "$sums" | awk '{ printf "| **mean ROC-AUC** | **%.3f** | **%.3f** | **%.3f** | **%.3f** |\n", $1 / 10, $2 / 10, $3 / 10, $4 / 10 }'
done
echo
echo "Finished $(date -u '+%Y-%m-%d %H:%M UTC'); load after: $(cut -d' ' -f1-3 /proc/loadavg)."
