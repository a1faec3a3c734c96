#!/usr/bin/env bash
# After queue.sh: the 10,000-image baseline again (its first run stopped on a full disk) and the 5-epoch AdamW screen
# (its first try named the kind wrongly).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export AE_DLL="$PWD/bin-new/ae.dll"
r=../../recipes/hinton-784-1000-500-250-30.json
while pgrep -f "bash ./queue.sh" > /dev/null; do sleep 5; done
./screen.sh base-10k-e25 $r 25 --train-limit 10000
./screen.sh adamw-wd-e5 recipes/adamw-wd.json 5
