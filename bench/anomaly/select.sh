#!/usr/bin/env bash
# How `ae detect`'s default score was chosen, without test labels: bash bench/anomaly/select.sh
# On each of the 28 small ADBench sets, take the 70 % TRAINING part of run.sh's seed-0 split only; fit
# `ae detect` (defaults, --score combined) on 70 % of its normal rows; score the other 30 % of its normal rows
# together with the training part's anomalies; compare every combination of the score's three standardised parts
# (from the --scores file's score_* columns), under two code-width rules, with the four scikit-learn peers fitted on
# the same rows.
# Writes bench/anomaly/SELECTION.md. Environment: JOBS (default 2) fits side by side, AE_THREADS (default 1).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export AE_THREADS="${AE_THREADS:-1}" OMP_NUM_THREADS="${AE_THREADS:-1}" OPENBLAS_NUM_THREADS="${AE_THREADS:-1}"
jobs="${JOBS:-2}"
data="${ADBENCH_DIR:-$root/../shared/datasets/adbench}"
out=bench/anomaly/out/select
py=/usr/bin/python3
mkdir -p "$out"
dotnet build -c Release src/AutoEncoders.Cli -v q -nologo >/dev/null
rm -rf "$out/cli" && cp -r src/AutoEncoders.Cli/bin/Release/net10.0 "$out/cli"
ae="$out/cli/ae"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
$py bench/anomaly/select.py splits "$data" "$out"
[ -s "$out/peers.json" ] && [ "${KEEP_PEERS:-0}" = 1 ] || $py bench/anomaly/select.py peers "$data" "$out"
$py bench/anomaly/select.py layers "$out"
# Two code-width rules: "half" (DetectorSizing's clamp(ceil(D/2), 2, 16)) and "pca90" (--layers from select.py layers).
for rule in ${RULES:-half pca90}; do
  for d in "$out"/[0-9]*; do echo "$d"; done |
    xargs -P "$jobs" -I{} sh -c "layers=''; [ $rule = pca90 ] && layers=\"--layers \$(cat {}/layers-pca90.txt)\"; \
      $ae detect fit --table {}/fit.csv --label-column label --normal-class 0 --score combined --seed 1 \$layers -o {}/$rule.detector > {}/select-$rule.log 2>&1 && \
      $ae detect score {}/$rule.detector --table {}/val.csv --scores {}/val-$rule.csv >> {}/select-$rule.log 2>&1 || echo 'failed: {} ($rule)'"
done
{
  echo "# How the default anomaly score was chosen (training split only)"
  echo
  echo "Written by \`bash bench/anomaly/select.sh\` (started $started, finished $(date -u '+%Y-%m-%d %H:%M UTC'); the machine was shared)."
  echo "Protocol: for each of the 28 small ADBench sets, the seed-0 stratified 70/30 split of run.sh; only its 70 % training"
  echo "part is used. \`ae detect fit --table fit.csv --label-column label --normal-class 0 --score combined --seed 1\`"
  echo "(every other option at its default; for the code-width rule pca90 also \`--layers H,C\` from \`select.py layers\`) on 70 % of that part's normal rows; \`ae detect score\` on the other 30 % of"
  echo "its normal rows plus all of its anomalies. The --scores file's standardised parts (R reconstruction error,"
  echo "L latent 5-NN distance, I input-space 5-NN distance) are combined by each candidate rule and ranked against the"
  echo "four scikit-learn peers fitted on the same rows. The test 30 % is never read."
  echo
  $py bench/anomaly/select.py choose "$out" ${RULES:-half pca90}
  # The later comparison on development splits (develop.sh, hand-written conclusions) is kept as it was.
  if [ -f bench/anomaly/SELECTION.md ]; then sed -n '/^## Development splits/,${p}' bench/anomaly/SELECTION.md | sed '1s/^/\n/'; fi
} > bench/anomaly/SELECTION.md.tmp
mv bench/anomaly/SELECTION.md.tmp bench/anomaly/SELECTION.md
cat bench/anomaly/SELECTION.md
