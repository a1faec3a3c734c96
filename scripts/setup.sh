#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian 12 machine, offline-friendly: the .NET SDK must be present;
# Debian's packages come from the configured mirror. Idempotent: installs only what is missing.
set -euo pipefail

packages=(
  dataset-fashion-mnist   # full Fashion-MNIST (IDX) in /usr/share/datasets/fashion-mnist
  fonts-dejavu-core       # text in the plots
  chromium                # headless browser that checks the HTML report and the `ae serve` explorer in the tests
  nodejs                  # builds the explorer page (web/explorer) and drives its browser test (with npm)
  fortunes                # a real text corpus (/usr/share/games/fortunes) for `ae documents`
  python3-sklearn         # the anomaly-detection peers (k-NN, LOF, PCA, isolation forest) in bench/anomaly
  libopenblas0-pthread    # a threaded BLAS for the Python peers
  python3-torch           # PyTorch 1.13: the benchmark peer and the PyTorch weight round-trip tests
  python3-onnx            # onnx.checker on every exported .onnx file in the tests
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v dotnet >/dev/null || { echo "error: the .NET SDK (10.0) is not installed: https://dot.net" >&2; exit 1; }

# The explorer page of `ae serve`: its npm packages exactly as package-lock.json pins them (umap-js, esbuild,
# playwright-core); the Serving build bundles the page with esbuild once they are there.
explorer="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/web/explorer"
command -v npm >/dev/null || { echo "error: npm is not installed (it comes with Node.js 20: https://nodejs.org)" >&2; exit 1; }
if [ ! -x "$explorer/node_modules/.bin/esbuild" ] || [ "$explorer/package-lock.json" -nt "$explorer/node_modules/.package-lock.json" ]; then
  (cd "$explorer" && npm ci --no-audit --no-fund --loglevel=error)
fi

# Data roots: the offline MNIST copy next to the repository, when there is one.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${AE_DATA_PATH:-}" ] && [ -d "$root/../shared/datasets" ]; then
  export AE_DATA_PATH="$(cd "$root/../shared/datasets" && pwd)"
fi
