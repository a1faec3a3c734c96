#!/usr/bin/env python3
"""Makes experiments/generative/results.md and the last section of docs/generative.md from the rows that
experiments/generative/run.sh wrote (experiments/generative/rows/*.json), in the order of models.txt."""
import glob, json, os, sys

OUT = "experiments/generative"
DOC = "docs/generative.md"
HEADING = "## One evaluation of every generative model"
NAMES = {"mnist": "MNIST (10k slice)", "fashion-mnist": "Fashion-MNIST"}

order = [line.split()[0] for line in open(os.path.join(OUT, "models.txt")) if line.strip() and not line.startswith("#")]
rows = [json.load(open(p)) for p in glob.glob(os.path.join(OUT, "rows", "*.json"))]
for r in rows:
    r.setdefault("name", r.get("model"))  # rows written before the key was renamed
if not rows:
    sys.exit("no rows in experiments/generative/rows; run experiments/generative/run.sh first")
datasets = sorted({r["dataset"] for r in rows}, key=lambda d: list(NAMES).index(d) if d in NAMES else 99)
rows.sort(key=lambda r: (datasets.index(r["dataset"]), order.index(r["name"]) if r["name"] in order else 99))


def data_label(r):
    name = NAMES.get(r["dataset"], r["dataset"])
    if r["dataset"] != "mnist" and r["train_limit"] != "all":
        name += f" (first {int(r['train_limit']):,} train)"
    return name


lines = ["| model | data | epochs | test recon. error | IWAE k=1000 | Fréchet distance | classifier acc. | train s | threads | date | load |",
         "|---|---|---|---|---|---|---|---|---|---|---|"]
for r in rows:
    iwae = next((v for k, v in r.items() if k.startswith("iwae_k")), None)
    iwae_text = f"{iwae:.2f} ({int(r['iwae_examples'])})" if iwae is not None else "—"
    lines.append(f"| {r['name']} (`{os.path.basename(r['recipe'])}`) | {data_label(r)} | {r['epochs']} | "
                 f"{r['reconstruction_squared_error']:.2f} | {iwae_text} | {r['frechet_distance']:.2f} | {r['classifier_accuracy']:.2%} | "
                 f"{r['train_seconds']:.0f} | {r['threads']} | {r['date']} | {r['load_start']:.1f}–{r['load_end']:.1f} |")

references = []
for d in datasets:
    path = os.path.join(OUT, ".classifiers", d, "classifier.json")
    if os.path.exists(path):
        c = json.load(open(path))
        references.append(f"| {NAMES.get(d, d)} | {c['trainData']} ({c['trainExamples']:,}) | {c['testAccuracy']:.2%} | "
                          f"{c['trainVsTestFrechet']:.2f} ({c['trainVsTestExamples']:,} a side) |")

have = {(r["name"], r["dataset"]) for r in rows}
missing = [f"{m} on {NAMES.get(d, d)}" for d in datasets for m in order if (m, d) not in have]
epochs = sorted({r["epochs"] for r in rows})
SHORT = """**The budget is short.** At these epochs the models are far from trained and the rows compare only early
training. The dense models' training times above (2-16 s per model for 2 epochs on 10,000 images at one thread, load
2-8) put 20 epochs of every row at about 40 minutes of one-thread CPU on a quiet machine, plus the conv VAE (about
3 minutes per epoch at load 30) and the evaluations; on 2026-12-06 the machine's load of 14-30 on 2 cores would
have made that 2-3 hours, so the table stayed at 2 epochs: `experiments/generative/run.sh 20` makes it on a quiet
machine.

"""
generated = sorted({int(r["generated_samples"]) for r in rows})
iwae_examples = sorted({int(r["iwae_examples"]) for r in rows if "iwae_examples" in r})
body = f"""Made by `experiments/generative/run.sh` (rows in `experiments/generative/rows/`, logs in
`experiments/generative/logs/`). Every model is trained from its recipe with the same budget: {', '.join(map(str, epochs))}
epoch(s) on the same training images (MNIST: the 10,000-image training slice; Fashion-MNIST: as the data column
says), its recipe's batch size, optimiser and seed; then `ae eval RUN --generative` on the 10,000 test images:

- **test recon. error**: squared error summed over the 784 pixels, mean over test images (the decoding of the code,
  the posterior mean for variational models); lower is better.
- **IWAE k=1000**: the importance-weighted bound on log p(x) in nats per image (Burda et al. 2016), higher is
  better, on the first {', '.join(map(str, iwae_examples)) or '—'} test images (the number in brackets); only for models that
  define a likelihood (variational models: Bernoulli likelihood on grey levels in [0, 1]), "—" for the others.
- **Fréchet distance**: d² between Gaussians fitted to the 128 penultimate-layer features of a small convolutional
  classifier (Conv16-Conv32-FC128, `FeatureClassifier`) for the test images and for {', '.join(map(str, generated))} decoded
  prior samples; lower is better. It is built like FID but it is **not Inception's FID**: its values compare only
  rows measured with the same stored classifier, never published FIDs. The classifier is trained once per dataset
  (seed 1, 4 epochs, Adam 2e-3, batch 50) and kept in `experiments/generative/.classifiers/` (regenerated when
  missing). Its own figures, and what real images score (training images against test images); the classifier
acc. column gives each row's classifier's test accuracy: rows with different accuracies were measured with different
classifiers (retrained when the stored one was missing), so their Fréchet distances compare only roughly:

| data | classifier trained on | test accuracy | Fréchet distance, real train vs test images |
|---|---|---|---|
""" + "\n".join(references) + """

""" + "\n".join(lines) + """

""" + (("Not in this table (no row written; rerun `run.sh` with ONLY=... to add them): " + ", ".join(missing) + ".\n\n") if missing else "") + (SHORT if max(epochs) < 10 else "") + """Train s is the training time from the run's history (evaluation excluded); threads is AE_THREADS; load is the
1-minute load average of the machine when the row started and ended. The machine was a shared 2-core one with other
jobs running, so the times say little beyond their order of magnitude.

To evaluate one trained run the same way, or to remake the table (the list of models is
`experiments/generative/models.txt`, one `name recipe` line each):

```
ae eval RUN_DIR --generative --classifier experiments/generative/.classifiers/mnist --json
                 # + --iwae-samples K --iwae-limit N (default 1000 and 1000), --generated N (default 10000), --seed S
experiments/generative/run.sh 10                  # EPOCHS per model; FASHION_TRAIN_LIMIT= (empty) for all 60,000
ONLY="vae aae" DATASETS=mnist experiments/generative/run.sh 2     # a subset; rows of other models are kept
experiments/generative/run.sh --table-only        # remake these tables from experiments/generative/rows/
```

In code: `StoredFeatureClassifier.LoadOrTrain(folder, ...)`, `GenerativeEvaluation.Evaluate(trained, test,
classifier, options)` (`AutoEncoders.Evaluation.Generative`), and `FrechetDistance.Of(featuresA, featuresB)` for any
two feature sets.
"""
open(os.path.join(OUT, "results.md"), "w").write("# One evaluation of every generative model\n\n" + body)
text = open(DOC).read()
at = text.find(HEADING)
text = (text if at < 0 else text[:at]).rstrip("\n") + "\n\n" + HEADING + "\n\n" + body
open(DOC, "w").write(text)
print(open(os.path.join(OUT, "results.md")).read())
