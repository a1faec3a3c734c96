#!/usr/bin/python3
"""Per-set selection among candidate scores by synthetic outliers made from held-out training normals only
(development splits, seeds 100-102). explore_select.py DATA OUT"""
import os, sys, pickle, time
import numpy as np
from sklearn.neighbors import NearestNeighbors
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score
os.environ.setdefault("ADBENCH_SEEDS", "100 101 102")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adbench
from explore import data_of, whitener, load, z
assert not set(adbench.SEEDS) & {0, 1, 2}


def scorers(F):
    """Scoring functions fitted on reference rows F; each maps rows -> raw score."""
    nn = NearestNeighbors(n_neighbors=5).fit(F)
    p = PCA(n_components=0.9).fit(F)
    w = whitener(F, 0.3)
    wn = NearestNeighbors(n_neighbors=5).fit(w(F))
    return {
        "I": lambda a: nn.kneighbors(a)[0].mean(1),
        "I1": lambda a: nn.kneighbors(a, n_neighbors=1)[0][:, 0],
        "P": lambda a: ((a - p.inverse_transform(p.transform(a))) ** 2).sum(1),
        "W": lambda a: wn.kneighbors(w(a))[0].mean(1),
    }


def synth(V, rng, kind):
    if kind == "perm":
        return np.column_stack([rng.permutation(V[:, j]) for j in range(V.shape[1])])
    if kind == "jitter":
        return V + rng.normal(0, 0.5, V.shape)  # half a training-normal deviation per column
    if kind == "box":
        lo, hi = V.min(0), V.max(0)
        return rng.uniform(lo, hi, V.shape)


def sel_of(data, name, seed):
    N, T, y, fi, vi = data_of(data, name, seed)
    F, V = N[fi], N[vi]
    rng = np.random.default_rng(seed + 7)
    sc = scorers(F)
    sel = {}
    for kind in ("perm", "jitter", "box"):
        S = synth(V, rng, kind)
        lab = np.r_[np.zeros(len(V)), np.ones(len(S))]
        sel[kind] = {k: roc_auc_score(lab, np.r_[f(V), f(S)]) for k, f in sc.items()}
    return sel


def main(data, out):
    keys = [(n, s) for n in adbench.sets(data) for s in adbench.SEEDS]
    parts = pickle.load(open(os.path.join(out, "parts.pkl"), "rb"))
    peers = pickle.load(open(os.path.join(out, "peers.pkl"), "rb"))
    sels = load(os.path.join(out, "sel.pkl"), sel_of, data, keys)
    names = sorted({n for n, _ in keys}, key=lambda n: int(n.split("_")[0]))
    partname = {"I": "I", "I1": "I1", "P": "P", "W": "W0.3"}

    def run(label, choose):
        per, picks = {}, {}
        for (n, s) in keys:
            y, p = parts[(n, s)]
            c = choose(sels[(n, s)])
            picks.setdefault(n, []).append(c)
            per.setdefault(n, []).append(roc_auc_score(y, z(*p[partname[c]])))
        auc = {n: np.mean(per[n]) for n in names}
        rk = np.mean([adbench.ranks([auc[n]] + [np.mean([peers[(n, s)][m] for s in adbench.SEEDS])
                                                 for m in ("k-NN", "LOF", "PCA", "IForest")]) for n in names], 0)
        print(f"| {label} | {np.mean(list(auc.values())):.3f} | {rk[0]:.2f} | {rk[1]:.2f} |")
        return auc, picks

    res = []
    for kind in ("perm", "jitter", "box"):
        for cset in (("I", "P"), ("I1", "P"), ("I", "I1", "P"), ("I", "I1", "P", "W"), ("I", "W"), ("I", "I1")):
            res.append((f"{kind} {'/'.join(cset)}",) +
                       run(f"select by {kind} among {', '.join(cset)}",
                           lambda s, kind=kind, cset=cset: max(cset, key=lambda k: (round(s[kind][k], 4), -cset.index(k)))))
    for n in names:
        print(n, " ".join(f"{k}:{','.join(p)}" for k, a, pk in res[:6] for p in [pk[n]]))
    for n in names:
        print(n, {kind: {k: round(np.mean([sels[(n, s)][kind][k] for s in adbench.SEEDS]), 3) for k in "I I1 P W".split()} for kind in ("perm", "jitter", "box")})


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
