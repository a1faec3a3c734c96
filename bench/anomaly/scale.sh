#!/usr/bin/env bash
# The scale check of bench/anomaly/run.sh: fit and score 10_cover and 16_http (seed-0 split written by run.sh's
# `adbench.py splits ... --large`) at one thread, timed by /usr/bin/time -v; prints one markdown row per set.
# Usage: bash bench/anomaly/scale.sh AE LARGE_DIR   (run.sh passes its private build and bench/anomaly/out/large)
set -euo pipefail
ae="$1"
large="$2"
py=/usr/bin/python3
for name in 10_cover 16_http; do
  d="$large/$name/s0"
  AE_THREADS=1 /usr/bin/time -v $ae detect fit --table "$d/train.csv" --label-column label --normal-class 0 --seed 1 --threads 1 -o "$d/dense.detector" > "$d/fit.log" 2> "$d/fit.time"
  AE_THREADS=1 /usr/bin/time -v $ae detect score "$d/dense.detector" --table "$d/test.csv" --threads 1 --scores "$d/dense.csv" > "$d/score.log" 2> "$d/score.time"
  row="$($py - "$d" <<'PY'
import sys, re, numpy as np
from sklearn.metrics import roc_auc_score, average_precision_score
d = sys.argv[1]
def t(f):
    s = open(f).read()
    w = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", s).group(1).split(":")
    sec = sum(float(x) * 60 ** i for i, x in enumerate(reversed(w)))
    cpu = sum(float(re.search(k + r" time \(seconds\): (\S+)", s).group(1)) for k in ("User", "System"))
    return sec, int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", s).group(1)) / 1024, cpu
fw, fm, fc = t(d + "/fit.time"); sw, sm, sc = t(d + "/score.time")
a = np.genfromtxt(d + "/dense.csv", delimiter=",", names=True, usecols=("score", "anomaly"))
rows = open(d + "/train.csv").read().count("\n") - 1
test = len(a)
print(f"| {d.split('/')[-2]} | {rows:,} | {test:,} | {fw:.1f} s ({fc:.1f} s) | {fm:,.0f} MB | {sw:.1f} s ({sc:.1f} s) | {sm:,.0f} MB | "
      f"{roc_auc_score(a['anomaly'], a['score']):.3f} | {average_precision_score(a['anomaly'], a['score']):.3f} |")
PY
)"
  echo "$row"
done

