# Sourced by experiments/generative/run.sh and semisupervised.sh (from the repository root): one thread unless
# AE_THREADS says otherwise, the shared datasets beside the work tree unless AE_DATA_PATH names them, and AE_DLL, a
# copy of the built CLI, so rebuilding the work tree during a run cannot change it halfway.
export AE_THREADS=${AE_THREADS:-1}
if [ -z "${AE_DATA_PATH:-}" ]; then
  for d in ../shared/datasets ../../shared/datasets; do [ -d "$d/mnist" ] && AE_DATA_PATH=$(cd "$d" && pwd) && break; done
fi
export AE_DATA_PATH
if [ -z "${AE_DLL:-}" ]; then
  dotnet build src/AutoEncoders.Cli -c Release -v quiet -nologo >/dev/null
  AE_DLL=$(mktemp -d)/ae
  cp -r src/AutoEncoders.Cli/bin/Release/net10.0 "$AE_DLL"
  AE_DLL=$AE_DLL/ae.dll
fi
