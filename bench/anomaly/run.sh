#!/usr/bin/env bash
# Anomaly detection on real tables, ours against scikit-learn, in one command: bash bench/anomaly/run.sh
# Writes bench/anomaly/RESULTS.md. Environment:
#   AE_THREADS (default 1)       libtorch threads for ours (and OMP/BLAS threads for the peers)
#   VARIANTS (default "dense")   our detector kinds to run on the 28 small sets: dense denoising vae ensemble
#                                 (dense-recon and dense-latent: the dense kind with one score only)
#   JOBS (default 1)             (set, seed) fits run side by side; keep 1 for timings
#   ADBENCH_DIR                  the ADBench folder (default ../shared/datasets/adbench beside the checkout)
# Needs Debian's python3-sklearn (installed if missing). The scale runs (10_cover, 16_http) always use 1 thread.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
export AE_THREADS="${AE_THREADS:-1}" OMP_NUM_THREADS="${AE_THREADS:-1}" OPENBLAS_NUM_THREADS="${AE_THREADS:-1}"
variants="${VARIANTS:-dense}"
jobs="${JOBS:-1}"
data="${ADBENCH_DIR:-$root/../shared/datasets/adbench}"
out=bench/anomaly/out
py=/usr/bin/python3
mkdir -p "$out"

if ! $py -c 'import sklearn' 2>/dev/null; then
  echo "Installing Debian's python3-sklearn (the peers)..."
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends python3-sklearn >/dev/null
fi

dotnet build -c Release src/AutoEncoders.Cli -v q -nologo >/dev/null
# A private copy of the build, so a rebuild during the run cannot change the program under it.
rm -rf "$out/cli" && cp -r src/AutoEncoders.Cli/bin/Release/net10.0 "$out/cli"
ae="$out/cli/ae"
load_before="$(uptime)"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"

echo "[1/4] splits (stratified 70/30, seeds 0-2) and the scikit-learn peers"
$py bench/anomaly/adbench.py splits "$data" "$out"
$py bench/anomaly/adbench.py splits "$data" "$out/large" --large
[ -s "$out/peers.json" ] && [ "${KEEP_PEERS:-0}" = 1 ] || $py bench/anomaly/adbench.py peers "$data" "$out" 2>> "$out/peers.log"

variant_args() {
  case "$1" in
    dense) echo "--kind dense" ;;
    denoising) echo "--kind denoising" ;;
    vae) echo "--kind vae" ;;
    ensemble) echo "--kind ensemble" ;;
    dense-recon) echo "--kind dense --score reconstruction" ;;
    dense-latent) echo "--kind dense --score latent-knn" ;;
    *) echo "unknown variant $1" >&2; exit 1 ;;
  esac
}

echo "[2/4] ours on the 28 small sets: $variants"
for v in $variants; do
  args="$(variant_args "$v")"
  for d in "$out"/[0-9]*/s[0-9]; do echo "$d"; done |
    xargs -P "$jobs" -I{} sh -c "$ae detect fit --table {}/train.csv --label-column label --normal-class 0 $args --seed 1 -o {}/$v.detector > {}/$v.log 2>&1 && \
      $ae detect score {}/$v.detector --table {}/test.csv --scores {}/$v.csv >> {}/$v.log 2>&1 || echo 'failed: {} ($v)'"
  $py bench/anomaly/adbench.py ours "$out" "$v"
done

echo "[3/4] scale: 10_cover and 16_http at one thread, fit and score timed by /usr/bin/time -v"
scale_rows="$(bash bench/anomaly/scale.sh "$ae" "$out/large")"

echo "[4/4] report"
{
  echo "# Anomaly detection on real tables: ours against scikit-learn"
  echo
  echo "Written by \`bash bench/anomaly/run.sh\` (started $started, finished $(date -u '+%Y-%m-%d %H:%M UTC'))."
  echo "Machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc --all) cores; ours at AE_THREADS=$AE_THREADS"
  echo "(the scale runs at 1 thread), scikit-learn $($py -c 'import sklearn; print(sklearn.__version__)') with OMP_NUM_THREADS=$OMP_NUM_THREADS."
  echo "Load: before \`${load_before#*,  }\`; after \`$(uptime | sed 's/.*load/load/')\` (the machine was shared; timings are noisy)."
  echo
  echo "Protocol (../shared/datasets/adbench/README.md): per set and seed 0-2, a stratified 70/30 split; every method"
  echo "fits on the normal rows of the 70 % only, z-scored with their mean and standard deviation; the 30 % is scored."
  echo "Ours: \`ae detect fit --table train.csv --label-column label --normal-class 0 --seed 1 [--kind K]\` with every"
  echo "other option at its default (sizes from the data's rows and width by the rule in DetectorSizing), then"
  echo "\`ae detect score\`; ROC-AUC and PR-AUC from its --scores file with scikit-learn's metrics. Peers: k-NN = mean"
  echo "distance to the 5 nearest training rows; LOF = 20 neighbours, novelty mode; PCA = reconstruction error with the"
  echo "components for 90 % of the variance; IForest = isolation forest, 100 trees, random_state = seed."
  echo
  echo "## The 28 sets of at most 12,000 rows"
  echo
  $py bench/anomaly/adbench.py report "$out" $variants
  echo "## Scale: one thread, 10_cover and 16_http (seed 0 split; fit on the training normals, score the 30 %)"
  echo
  echo "| set | training rows | scored rows | fit wall (CPU) | fit peak RSS | score wall (CPU) | score peak RSS | ROC-AUC | PR-AUC |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  printf '%s\n' "$scale_rows"
  echo
  echo "Wall time, CPU time (user + system) and peak resident memory from \`/usr/bin/time -v\`, each including the process"
  echo "start, CSV parsing and (score) the PCA and 5-NN baselines; on a loaded machine the CPU time is the better guide."
  if [ -f bench/anomaly/series.sh ]; then
    echo
    bash bench/anomaly/series.sh
  fi
} > bench/anomaly/RESULTS.md.tmp
mv bench/anomaly/RESULTS.md.tmp bench/anomaly/RESULTS.md
echo "wrote bench/anomaly/RESULTS.md"
