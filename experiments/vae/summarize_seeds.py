#!/usr/bin/env python3
"""Mean and standard deviation over seeds of the VAE runs in experiments/vae/seeds/ (written by seeds.sh), per side,
with the difference of the means and its standard error; prints a Markdown table (seeds-table.md beside the JSON)."""
import glob
import json
import math
import os
import re
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "experiments/vae/seeds"
runs = {}
for path in sorted(glob.glob(os.path.join(out, "*-s*.json"))):
    who, data, seed = re.match(r"(ours|peer)-(mnist|fashion)-s(\d+)\.json", os.path.basename(path)).groups()
    runs.setdefault((data, who), {})[int(seed)] = json.load(open(path))


def stats(values):
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else float("nan")
    return mean, sd, n


rows = ["| data | metric | AutoEncoders mean ± sd | PyTorch mean ± sd | seeds (ours/peer) | ours − PyTorch | ± s.e. |",
        "|---|---|---|---|---|---|---|"]
labels = {"mnist": "MNIST-10k, 10 epochs", "fashion": "Fashion-MNIST, 5 epochs"}
for data in ("mnist", "fashion"):
    for metric, name, seeds in (("elbo", "test ELBO (10,000)", None), ("iwae_k1000", "test IWAE k=1000 (first 500)", "new"),
                                ("kl", "KL", None), ("train_loss", "train −ELBO", None)):
        cols = []
        for who in ("ours", "peer"):
            r = runs.get((data, who), {})
            # IWAE of seed 1 (run.sh) was on the first 1000 test images, the others on the first 500: not pooled.
            vals = [m[metric] for s, m in sorted(r.items()) if metric in m and (seeds is None or m.get("iwae_examples") == 500)]
            cols.append(stats(vals) if vals else None)
        if not all(cols):
            continue
        (m1, s1, n1), (m2, s2, n2) = cols
        se = math.sqrt((s1 ** 2 / n1 if n1 > 1 else 0) + (s2 ** 2 / n2 if n2 > 1 else 0))
        rows.append(f"| {labels[data]} | {name} | {m1:.2f} ± {s1:.2f} | {m2:.2f} ± {s2:.2f} | {n1}/{n2} | {m1 - m2:+.2f} | {se:.2f} |")
    for who in ("ours", "peer"):
        r = runs.get((data, who), {})
        rows_seed = ", ".join(f"s{s} {m['elbo']:.2f}" for s, m in sorted(r.items()))
        rows.append(f"| {labels[data]} | test ELBO per seed, {'AutoEncoders' if who == 'ours' else 'PyTorch'} | {rows_seed} | | | | |")
text = "\n".join(rows) + "\n"
open(os.path.join(out, "seeds-table.md"), "w").write(text)
print(text)
