#!/usr/bin/env bash
# The test suite: installs what the tests need, builds (the build patches TorchSharp's native library where this
# system's libstdc++ needs it) and runs every test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup.sh"
cd "$root"
dotnet test AutoEncoders.slnx -c Release --logger "console;verbosity=normal" "$@"
