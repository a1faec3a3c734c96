#!/usr/bin/env bash
# The main job: Hinton and Salakhutdinov's 784-1000-500-250-30 deep autoencoder on the full Fashion-MNIST, against
# PCA with 30 components, with the pictures and the HTML report of the run. Installs what is missing first.
# Extra arguments go to `ae train` (e.g. --epochs 5 for a quick look).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup.sh"
cd "$root"
dotnet build src/AutoEncoders.Cli -c Release -v quiet -nologo
ae="dotnet src/AutoEncoders.Cli/bin/Release/net10.0/ae.dll"
$ae datasets
$ae train --recipe recipes/hinton-784-1000-500-250-30.json --out runs "$@"
