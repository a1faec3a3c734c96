#!/usr/bin/python3
"""The selection protocol for `ae detect`'s default score, used by bench/anomaly/select.sh. No test rows are read.

  select.py splits DATA OUT        per set (seed 0 split of run.sh), split the 70 % TRAINING part once more:
                                   OUT/<set>/fit.csv = 70 % of its normal rows; OUT/<set>/val.csv = the other 30 %
                                   of its normal rows plus ALL of its anomalies (labelled)
  select.py peers DATA OUT         the four scikit-learn peers fitted on fit.csv, scored on val.csv -> OUT/peers.json
  select.py layers OUT             per set, the --layers of the candidate code-width rule "pca90": hidden
                                   clamp(2D, 16, 128), code = the principal components for 90 % of the variance of
                                   the z-scored fit.csv rows, clamped to [2, 16] -> OUT/<set>/layers-pca90.txt
  select.py choose OUT TAG...      reads OUT/<set>/val-scores.csv (ours, with the score_* part columns), ranks every
                                   candidate combination of the parts by mean validation ROC-AUC rank among five
                                   methods (it and the four peers), then by mean validation ROC-AUC; prints a table

The test 30 % of each split (run.sh's test.csv) is never opened here.
"""
import itertools, json, os, sys
import numpy as np
from sklearn.metrics import roc_auc_score

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adbench  # noqa: E402

SEED = 0


def cmd_splits(data, out):
    for name in adbench.sets(data):
        Xtr, _, ytr, _ = adbench.split(data, name, SEED)  # the training 70 % only
        normal, anomalies = Xtr[ytr == 0], Xtr[ytr == 1]
        order = np.random.RandomState(1000 + SEED).permutation(len(normal))
        held = int(round(0.3 * len(normal)))
        d = os.path.join(out, name)
        os.makedirs(d, exist_ok=True)
        adbench.write_csv(os.path.join(d, "fit.csv"), normal[order[held:]], np.zeros(len(normal) - held, int))
        V = np.vstack([normal[order[:held]], anomalies])
        adbench.write_csv(os.path.join(d, "val.csv"), V, np.r_[np.zeros(held, int), np.ones(len(anomalies), int)])


def cmd_layers(out):
    from sklearn.decomposition import PCA
    for name in sorted(os.listdir(out)):
        f = os.path.join(out, name, "fit.csv")
        if not os.path.exists(f):
            continue
        N, _ = load(f)
        sd = N.std(0)
        sd[sd == 0] = 1
        ratio = np.cumsum(PCA().fit((N - N.mean(0)) / sd).explained_variance_ratio_)
        hidden = min(max(2 * N.shape[1], 16), 128)
        code = min(hidden, min(max(int(np.searchsorted(ratio, 0.9) + 1), 2), 16))
        open(os.path.join(out, name, "layers-pca90.txt"), "w").write(f"{hidden},{code}\n")


def load(path):
    a = np.loadtxt(path, delimiter=",", skiprows=1)
    return a[:, :-1], a[:, -1].astype(int)


def cmd_peers(data, out):
    from sklearn.neighbors import NearestNeighbors, LocalOutlierFactor
    from sklearn.decomposition import PCA
    from sklearn.ensemble import IsolationForest
    result = {}
    for name in adbench.sets(data):
        N, _ = load(os.path.join(out, name, "fit.csv"))
        V, yv = load(os.path.join(out, name, "val.csv"))
        mu, sd = N.mean(0), N.std(0)
        sd[sd == 0] = 1
        N, V = (N - mu) / sd, (V - mu) / sd
        p = PCA(n_components=0.9).fit(N)
        scores = {
            "k-NN": NearestNeighbors(n_neighbors=5).fit(N).kneighbors(V)[0].mean(1),
            "LOF": -LocalOutlierFactor(n_neighbors=20, novelty=True).fit(N).score_samples(V),
            "PCA": ((V - p.inverse_transform(p.transform(V))) ** 2).sum(1),
            "IForest": -IsolationForest(n_estimators=100, random_state=SEED).fit(N).score_samples(V),
        }
        result[name] = {m: roc_auc_score(yv, s) for m, s in scores.items()}
    json.dump(result, open(os.path.join(out, "peers.json"), "w"), indent=1)


PARTS = ("score_reconstruction", "score_latent_knn", "score_input_knn")
SHORT = {"score_reconstruction": "R", "score_latent_knn": "L", "score_input_knn": "I"}


def candidates():
    # Every non-empty subset of the three parts with equal weights, and the three-part mean with one part doubled.
    for r in (1, 2, 3):
        for subset in itertools.combinations(PARTS, r):
            yield {p: 1.0 for p in subset}
    for p in PARTS:
        yield {q: (2.0 if q == p else 1.0) for q in PARTS}


def cmd_choose(out, tags):
    peers = json.load(open(os.path.join(out, "peers.json")))
    names = sorted((n for n in peers if all(os.path.exists(os.path.join(out, n, f"val-{t}.csv")) for t in tags)), key=lambda n: int(n.split("_")[0]))
    rows = []
    for tag in tags:
        parts = {}
        for n in names:
            a = np.genfromtxt(os.path.join(out, n, f"val-{tag}.csv"), delimiter=",", names=True)
            parts[n] = (a["anomaly"], {p: a[p] for p in PARTS})
        for c in candidates():
            aucs, rks = [], []
            for n in names:
                y, P = parts[n]
                s = sum(w * P[p] for p, w in c.items()) / sum(c.values())
                v = [roc_auc_score(y, s)] + [peers[n][m] for m in ("k-NN", "LOF", "PCA", "IForest")]
                aucs.append(v[0])
                rks.append(adbench.ranks(v))
            label = f"code {tag}: " + " + ".join((f"{w:g}·" if w != 1 else "") + SHORT[p] for p, w in c.items())
            r = np.mean(rks, 0)
            rows.append((r[0], -np.mean(aucs), label, r[1]))
    peer_means = {m: np.mean([peers[n][m] for n in names]) for m in ("k-NN", "LOF", "PCA", "IForest")}
    print(f"Validation (training split only, seed {SEED}): {len(names)} sets. Peers' mean validation ROC-AUC: " +
          ", ".join(f"{m} {v:.3f}" for m, v in peer_means.items()) + ".\n")
    print("| candidate (code-width rule: parts, R reconstruction, L latent k-NN, I input k-NN) | mean validation rank of 5 | k-NN's rank beside it | mean validation ROC-AUC |")
    print("| --- | ---: | ---: | ---: |")
    for rk, auc, label, knn in sorted(rows):
        print(f"| {label} | {rk:.2f} | {knn:.2f} | {-auc:.3f} |")
    print(f"\nChosen (best mean rank, then best mean ROC-AUC): **{sorted(rows)[0][2]}**")


if __name__ == "__main__":
    c = sys.argv[1]
    if c == "splits":
        cmd_splits(sys.argv[2], sys.argv[3])
    elif c == "peers":
        cmd_peers(sys.argv[2], sys.argv[3])
    elif c == "layers":
        cmd_layers(sys.argv[2])
    elif c == "choose":
        cmd_choose(sys.argv[2], sys.argv[3:])
