#!/usr/bin/env bash
# The screens of 2026-12-07 (threads helper), one at a time, on the shared machine.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/screen.sh" leaky-relu-e5 "$here/recipes/leaky-relu.json" 5
bash "$here/screen.sh" elu-e5 "$here/recipes/elu.json" 5
bash "$here/screen.sh" elu-e10 "$here/recipes/elu.json" 10
