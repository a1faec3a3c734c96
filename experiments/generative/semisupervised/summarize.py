#!/usr/bin/env python3
"""Makes experiments/generative/semisupervised/results.md from the rows experiments/generative/semisupervised.sh wrote."""
import glob, json, os, statistics

OUT = "experiments/generative/semisupervised"
rows = sorted((json.load(open(p)) for p in glob.glob(os.path.join(OUT, "rows", "*.json"))), key=lambda r: (r["labels"], r["epochs"], r["seed"]))
lines = ["| labels (of 10,000 training images) | epochs | seeds | test error mean ± sd | per seed | test squared error / digit | train s per run | date | load |",
         "|---|---|---|---|---|---|---|---|---|"]
for key in sorted({(r["labels"], r["epochs"]) for r in rows}):
    g = [r for r in rows if (r["labels"], r["epochs"]) == key]
    errors = [100 * r["test_error"] for r in g]
    sd = f" ± {statistics.stdev(errors):.2f}" if len(errors) > 1 else ""
    lines.append(f"| {key[0]:,} | {key[1]} | {len(g)} | {statistics.mean(errors):.2f} %{sd} | "
                 + ", ".join(f"s{r['seed']} {100 * r['test_error']:.2f} %" for r in g)
                 + f" | {statistics.mean(r['test_squared_error'] for r in g):.2f} | "
                 + f"{statistics.mean(r['train_seconds'] for r in g):.0f} | {g[0]['date'][:10]} | "
                 + f"{min(r['load_start'] for r in g):.1f}–{max(r['load_end'] for r in g):.1f} |")
text = f"""# Semi-supervised adversarial autoencoder: test error with 100 and 1,000 labels

Made by `experiments/generative/semisupervised.sh` (rows in `rows/`, logs in `logs/`): `recipes/aae-semisupervised-100.json`
and `-1000.json` (784-1000-1000 encoder, y 10 + z 10, two 1000-1000 discriminators, Adam 1e-3, batch 100) on the
MNIST 10k training slice, of which only the stated number of labels is used (class-balanced, labelSeed = seed), the
rest without labels; error of argmax y on the official 10,000 test digits. One thread (AE_THREADS=1) on a shared
2-core machine (load as given: the times say little).

""" + "\n".join(lines) + "\n"
open(os.path.join(OUT, "results.md"), "w").write(text)
print(text)
