#!/usr/bin/env bash
# Sequence anomaly detection on ECG200 (../shared/datasets/ucr): `ae sequence-anomaly fit` with its defaults, fitted
# on the normal training beats (3 seeds), scoring the test beats, beside scikit-learn's PCA-4 reconstruction error and
# 5-NN distance on the same split and normalisation, in one run. Prints a markdown section to stdout.
# Usage: bench/anomaly/series.sh [threads]   (default 1 thread; needs python3 with scikit-learn, e.g. Debian's python3-sklearn)
set -euo pipefail
cd "$(dirname "$0")/../.."
threads=${1:-1}
data=${UCR_DIR:-../shared/datasets/ucr}
train=$data/ECG200_TRAIN.txt
test=$data/ECG200_TEST.txt
python=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet build src/AutoEncoders.Cli/AutoEncoders.Cli.csproj -c Release >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
ae() { dotnet src/AutoEncoders.Cli/bin/Release/net10.0/ae.dll "$@"; }

start=$(date +%s)
rows=""
for seed in 1 2 3; do
  ae sequence-anomaly fit --train "$train" --normal-class 1 --test "$test" --seed "$seed" --threads "$threads" -o "$work/det$seed" >"$work/fit$seed.log" 2>&1 \
    || { cat "$work/fit$seed.log" >&2; exit 1; }
  log=$work/fit$seed.log
  roc=$(sed -n 's/^result .*ROC-AUC \([0-9.]*\), PR-AUC \([0-9.]*\).*/\1 \2/p' "$log")
  model=$(sed -n 's/^model    //p' "$log")
  own=$(sed -n 's/^baseline \(.*\): ROC-AUC \([0-9.]*\), PR-AUC \([0-9.]*\)/\1=\2\/\3/p' "$log" | paste -sd ';' -)
  rows+="$seed $roc|$model|$own"$'\n'
done
ours_seconds=$(( $(date +%s) - start ))
peer_start=$(date +%s)
peers=$("$python" bench/anomaly/series_peers.py "$train" "$test")
peer_seconds=$(( $(date +%s) - peer_start ))

stats() { awk -v col="$1" '{ v[NR] = $col; s += $col } END { m = s / NR; for (i = 1; i <= NR; i++) d += (v[i] - m) ^ 2; printf "%.3f ± %.3f", m, sqrt(d / (NR - 1)) }'; }
scores=$(printf '%s' "$rows" | cut -d'|' -f1)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)

echo "## Series: ECG200 heartbeats"
echo
echo "Measured $(date -u +'%Y-%m-%d %H:%M UTC') on ${cpu:-unknown CPU} ($(nproc) cores), $threads libtorch thread(s);"
echo "ours ${ours_seconds} s for 3 fits (training and scoring), scikit-learn ${peer_seconds} s. Command: \`bench/anomaly/series.sh $threads\`."
echo "Fit on the 69 normal training beats (ours: 55 trained on, 14 held out for early stopping and the threshold), score the"
echo "100 test beats (36 abnormal); values z-scored with the training-normal mean and standard deviation."
echo
echo "| method | test ROC-AUC | test PR-AUC |"
echo "| --- | ---: | ---: |"
echo "| ours: \`ae sequence-anomaly fit\` defaults, seeds 1-3 (mean ± sd) | $(printf '%s\n' "$scores" | stats 2) | $(printf '%s\n' "$scores" | stats 3) |"
printf '%s\n' "$peers" | while IFS=$'\t' read -r name roc pr; do echo "| scikit-learn $name | $roc | $pr |"; done
echo
echo "Per seed (the detector's model, then the library's own PCA (90% of the variance) and exact 5-NN baselines, fitted on all 69 normal training beats):"
echo
printf '%s' "$rows" | while IFS='|' read -r head model own; do
  set -- $head
  echo "- seed $1: ROC-AUC $2, PR-AUC $3; $model; ${own//;/, }"
done
