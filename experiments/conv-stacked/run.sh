#!/bin/sh
# Full run behind results.md (about 15 min of CPU at one thread; longer on a shared machine).
set -e
cd "$(dirname "$0")/../.."
nice -n 10 dotnet run -c Release --project experiments/conv-stacked -- --out experiments/conv-stacked/results.md 2>&1 | tee experiments/conv-stacked/run.log
# The same stack in frozen-stack mode (no scratch run: it is the one above).
nice -n 10 dotnet run -c Release --project experiments/conv-stacked -- --mode frozen_stack --scratch false --out experiments/conv-stacked/results-frozen.md 2>&1 | tee experiments/conv-stacked/run-frozen.log
