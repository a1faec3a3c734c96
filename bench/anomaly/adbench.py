#!/usr/bin/python3
"""ADBench tables for bench/anomaly/run.sh: splits, scikit-learn peers, scoring of our --scores files, report.

  adbench.py splits DATA OUT [--large]   write OUT/<set>/s<seed>/{train,test}.csv (stratified 70/30, seeds 0-2)
  adbench.py peers DATA OUT              peers' test ROC-AUC and PR-AUC -> OUT/peers.json
  adbench.py ours OUT NAME               ROC-AUC and PR-AUC of OUT/<set>/s<seed>/NAME.csv -> OUT/NAME.json
  adbench.py report OUT OURS... > RESULTS.md

Protocol (the shared README's): fit on the normal rows of the 70 %, z-score every column with those rows' mean and
standard deviation (a constant column divided by 1), score the 30 %. Our CLI does its own z-scoring from the same
rows (`--normal-class 0`), so its CSVs hold raw values; the peers get the z-scored arrays.
"""
import json, os, sys, glob
import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.metrics import roc_auc_score, average_precision_score

# ADBENCH_SEEDS picks other seeds (e.g. "100 101 102" for the development splits that choose the defaults).
SEEDS = tuple(int(s) for s in os.environ.get("ADBENCH_SEEDS", "0 1 2").split())
LARGE = ("10_cover", "16_http", "22_magic.gamma")


def sets(data, large=False):
    names = sorted(os.path.basename(f)[:-4] for f in glob.glob(os.path.join(data, "*.npz")))
    key = lambda n: int(n.split("_")[0])
    return sorted((n for n in names if (n in LARGE) == large and (not large or n != "22_magic.gamma")), key=key)


def split(data, name, seed):
    z = np.load(os.path.join(data, name + ".npz"))
    X, y = z["X"].astype(np.float64), z["y"].astype(int)
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=seed)


def write_csv(path, X, y):
    header = ",".join(f"f{i}" for i in range(X.shape[1])) + ",label"
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header=header, comments="",
               fmt=["%.10g"] * X.shape[1] + ["%d"])


def cmd_splits(data, out, large=False):
    for name in sets(data, large):
        for s in SEEDS if not large else (0,):
            d = os.path.join(out, name, f"s{s}")
            os.makedirs(d, exist_ok=True)
            Xtr, Xte, ytr, yte = split(data, name, s)
            write_csv(os.path.join(d, "train.csv"), Xtr, ytr)
            write_csv(os.path.join(d, "test.csv"), Xte, yte)


def cmd_peers(data, out):
    from sklearn.neighbors import NearestNeighbors, LocalOutlierFactor
    from sklearn.decomposition import PCA
    from sklearn.ensemble import IsolationForest
    result = {}
    for name in sets(data):
        per = {}
        for s in SEEDS:
            Xtr, Xte, ytr, yte = split(data, name, s)
            N = Xtr[ytr == 0]
            mu, sd = N.mean(0), N.std(0)
            sd[sd == 0] = 1
            N, T = (N - mu) / sd, (Xte - mu) / sd
            scores = {
                "k-NN": NearestNeighbors(n_neighbors=5).fit(N).kneighbors(T)[0].mean(1),
                "LOF": -LocalOutlierFactor(n_neighbors=20, novelty=True).fit(N).score_samples(T),
                "PCA": None,
                "IForest": -IsolationForest(n_estimators=100, random_state=s).fit(N).score_samples(T),
            }
            p = PCA(n_components=0.9).fit(N)
            scores["PCA"] = ((T - p.inverse_transform(p.transform(T))) ** 2).sum(1)
            for m, sc in scores.items():
                per.setdefault(m, []).append([roc_auc_score(yte, sc), average_precision_score(yte, sc)])
        result[name] = {m: np.mean(v, 0).tolist() for m, v in per.items()}
        print(name, {m: round(v[0], 3) for m, v in result[name].items()}, file=sys.stderr, flush=True)
    json.dump(result, open(os.path.join(out, "peers.json"), "w"), indent=1)


def cmd_ours(out, tag):
    result = {}
    for name in sorted(os.listdir(out)):
        rows = []
        for s in SEEDS:
            f = os.path.join(out, name, f"s{s}", tag + ".csv")
            if not os.path.exists(f):
                continue
            a = np.genfromtxt(f, delimiter=",", names=True, usecols=("score", "anomaly"))
            rows.append([roc_auc_score(a["anomaly"], a["score"]), average_precision_score(a["anomaly"], a["score"])])
        if len(rows) == len(SEEDS):
            result[name] = np.mean(rows, 0).tolist()
    json.dump(result, open(os.path.join(out, tag + ".json"), "w"), indent=1)


def ranks(values):
    # Rank 1 = best (highest); ties share the mean rank.
    order = sorted(range(len(values)), key=lambda i: -values[i])
    r = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for t in range(i, j + 1):
            r[order[t]] = (i + j) / 2 + 1
        i = j + 1
    return r


def cmd_report(out, tags):
    peers = json.load(open(os.path.join(out, "peers.json")))
    ours = {t: json.load(open(os.path.join(out, t + ".json"))) for t in tags}
    names = [n for n in sorted(peers, key=lambda n: int(n.split("_")[0])) if all(n in ours[t] for t in tags)]
    methods = [f"ours ({t})" for t in tags] + ["k-NN", "LOF", "PCA", "IForest"]

    def table(metric, title):
        lines = [f"### {title}", "", "| set | " + " | ".join(methods) + " |", "| --- |" + " ---: |" * len(methods)]
        means, rank_sums = [0.0] * len(methods), [0.0] * len(methods)
        for n in names:
            v = [ours[t][n][metric] for t in tags] + [peers[n][m][metric] for m in ("k-NN", "LOF", "PCA", "IForest")]
            best = max(v)
            lines.append(f"| {n} | " + " | ".join(f"**{x:.3f}**" if x == best else f"{x:.3f}" for x in v) + " |")
            for i, x in enumerate(v):
                means[i] += x / len(names)
            # Ranks among the first of ours and the four peers (five methods), as the issue counts them.
            for col, rk in enumerate(ranks(v)):
                rank_sums[col] += rk / len(names)
        lines.append("| **mean** | " + " | ".join(f"**{x:.3f}**" for x in means) + " |")
        lines.append("| mean rank | " + " | ".join(f"{x:.2f}" for x in rank_sums) + " |")
        return lines, means

    print(f"Sets: the {len(names)} ADBench sets of at most 12,000 rows; {len(SEEDS)} seeds each ({', '.join(map(str, SEEDS))}), mean per set.\n")
    five = {}
    for t in tags:
        # Mean rank among five methods: this variant of ours and the four peers.
        r = [0.0] * 5
        for n in names:
            v = [ours[t][n][0]] + [peers[n][m][0] for m in ("k-NN", "LOF", "PCA", "IForest")]
            for i, x in enumerate(ranks(v)):
                r[i] += x / len(names)
        five[t] = r
    print("| ours variant | mean ROC-AUC | its mean rank of 5 | k-NN's rank | LOF | PCA | IForest |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for t in tags:
        m = np.mean([ours[t][n][0] for n in names])
        print(f"| {t} | {m:.3f} | {five[t][0]:.2f} | " + " | ".join(f"{x:.2f}" for x in five[t][1:]) + " |")
    print()
    for metric, title in ((0, "Test ROC-AUC"), (1, "Test PR-AUC (average precision)")):
        lines, _ = table(metric, title + " (ranks here among all columns)")
        print("\n".join(lines) + "\n")
    for t in tags:
        losses = [n for n in names if ours[t][n][0] < peers[n]["k-NN"][0] - 0.005]
        print(f"Sets where ours ({t}) is more than 0.005 below k-NN in ROC-AUC ({len(losses)}): " +
              ", ".join(f"{n} ({ours[t][n][0]:.3f} vs {peers[n]['k-NN'][0]:.3f})" for n in losses) + "\n")


if __name__ == "__main__":
    c = sys.argv[1]
    if c == "splits":
        cmd_splits(sys.argv[2], sys.argv[3], "--large" in sys.argv)
    elif c == "peers":
        cmd_peers(sys.argv[2], sys.argv[3])
    elif c == "ours":
        cmd_ours(sys.argv[2], sys.argv[3])
    elif c == "report":
        cmd_report(sys.argv[2], sys.argv[3:])
