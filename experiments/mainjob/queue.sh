#!/usr/bin/env bash
# The screens of 2026-12-06, one after another at one thread (see docs/performance.md), with the build in bin-new.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export AE_DLL="$PWD/bin-new/ae.dll"
r=../../recipes/hinton-784-1000-500-250-30.json
while pgrep -f "screen.sh lr2e-3-e5" > /dev/null; do sleep 5; done
./screen.sh adamw-wd-e5 recipes/adamw-wd.json 5
# The gap on 10,000 training images, where overfitting shows within a few minutes.
./screen.sh base-10k-e25 $r 25 --train-limit 10000
./screen.sh adamw-wd-10k-e25 recipes/adamw-wd.json 25 --train-limit 10000
