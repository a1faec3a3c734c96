#!/usr/bin/env bash
# Makes the three NuGet packages (and their .snupkg symbol packages) in a local feed folder:
#   AutoEncoders       the library; its libstdc++ compatibility step travels with it (buildTransitive)
#   AutoEncoders.Cli   the `ae` .NET tool
#   AutoEncoders.Onnx  scoring of exported .onnx files with ONNX Runtime alone (no libtorch)
# The version is VersionPrefix in Directory.Build.props; --version-suffix makes a prerelease of it.
# Usage: scripts/pack.sh [--feed DIR] [--version-suffix SUFFIX] [--no-build]   (feed default: artifacts/feed)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
feed="$root/artifacts/feed"
options=()
suffix=""
while [ $# -gt 0 ]; do
  case "$1" in
    --feed) feed="${2:?--feed needs a folder}"; shift 2 ;;
    --version-suffix) suffix="${2:?--version-suffix needs a suffix}"; options+=(--version-suffix "$suffix"); shift 2 ;;
    --no-build) options+=(--no-build); shift ;;
    *) echo "error: scripts/pack.sh: argument '$1': expected --feed DIR, --version-suffix SUFFIX or --no-build" >&2; exit 1 ;;
  esac
done
mkdir -p "$feed"
feed="$(cd "$feed" && pwd)"

# The tool is packed from a fresh publish folder, so that it holds TorchSharp's libLibTorchSharp.so exactly as
# published (the tool patches its installed copy on first run, only where the system needs it), never a copy an
# earlier publish left behind.
publish="$(mktemp -d)"
trap 'rm -rf "$publish"' EXIT

cd "$root"
dotnet pack src/AutoEncoders/AutoEncoders.csproj -c Release -o "$feed" -nologo -v quiet "${options[@]}"
dotnet pack src/AutoEncoders.Onnx/AutoEncoders.Onnx.csproj -c Release -o "$feed" -nologo -v quiet "${options[@]}"
dotnet pack src/AutoEncoders.Cli/AutoEncoders.Cli.csproj -c Release -o "$feed" -nologo -v quiet \
  -p:PublishDir="$publish/" "${options[@]}"

# A project restores a package version once into the NuGet cache and never looks at the feed for it again: drop the
# cached copies of the version just made, so that the next restore takes these packages, not an earlier pack's.
version="$(dotnet msbuild src/AutoEncoders/AutoEncoders.csproj -getProperty:PackageVersion -p:VersionSuffix="$suffix")"
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
[ -n "$version" ] && rm -rf "$cache/autoencoders/${version,,}" "$cache/autoencoders.cli/${version,,}" "$cache/autoencoders.onnx/${version,,}"
ls -l "$feed"
