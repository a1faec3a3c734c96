#!/usr/bin/python3
"""Prototype candidate scores on the DEVELOPMENT splits (seeds 100-102) in NumPy/scikit-learn only.

  explore.py DATA OUT    caches parts in OUT/parts.pkl and peers in OUT/peers.pkl; prints a markdown table.
"""
import os, sys, pickle, time
import numpy as np
from sklearn.neighbors import NearestNeighbors, LocalOutlierFactor
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
os.environ.setdefault("ADBENCH_SEEDS", "100 101 102")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adbench
from develop import normal_split as data_of
assert not set(adbench.SEEDS) & {0, 1, 2}


def knn(ref, held, test, k):
    nn = NearestNeighbors(n_neighbors=k + 1).fit(ref)
    return nn.kneighbors(held)[0][:, 1:k + 1].mean(1), nn.kneighbors(test, n_neighbors=k)[0].mean(1)


def whitener(F, shrink):
    c = np.cov(F, rowvar=False)
    c = np.atleast_2d(c)
    lam, vec = np.linalg.eigh(c)
    lam = np.maximum(lam, 0)
    t = lam.mean()
    lam = (1 - shrink) * lam + shrink * t
    w = vec / np.sqrt(np.maximum(lam, 1e-12 * max(t, 1e-12)))
    return lambda a: a @ w


def parts_of(data, name, seed):
    N, T, y, fi, vi = data_of(data, name, seed)
    F, V = N[fi], N[vi]
    ref = np.vstack([F, V])
    out = {"I": knn(ref, V, T, 5), "I1": knn(ref, V, T, 1)}
    p = PCA(n_components=0.9).fit(F)
    err = lambda a: ((a - p.inverse_transform(p.transform(a))) ** 2).sum(1)
    out["P"] = (err(V), err(T))
    for s in (0.01, 0.1, 0.3):
        w = whitener(F, s)
        out[f"W{s}"] = knn(w(ref), w(V), w(T), 5)
        out[f"M{s}"] = ((w(V)) ** 2).sum(1), (w(T) ** 2).sum(1)
    return y, out


def peers_of(data, name, seed):
    N, T, y, _, _ = data_of(data, name, seed)
    sc = {"k-NN": NearestNeighbors(n_neighbors=5).fit(N).kneighbors(T)[0].mean(1),
          "LOF": -LocalOutlierFactor(n_neighbors=20, novelty=True).fit(N).score_samples(T),
          "IForest": -IsolationForest(n_estimators=100, random_state=seed).fit(N).score_samples(T)}
    p = PCA(n_components=0.9).fit(N)
    sc["PCA"] = ((T - p.inverse_transform(p.transform(T))) ** 2).sum(1)
    return {m: roc_auc_score(y, v) for m, v in sc.items()}


def load(path, fn, data, keys):
    d = pickle.load(open(path, "rb")) if os.path.exists(path) else {}
    new = False
    for k in keys:
        if k not in d:
            t = time.time()
            d[k] = fn(data, *k)
            new = True
            print(k, f"{time.time() - t:.1f}s", file=sys.stderr, flush=True)
    if new:
        pickle.dump(d, open(path, "wb"))
    return d


def z(held, test):
    d = held.std()
    return (test - held.mean()) / (d if d > 0 else 1)


def evaluate(parts, peers, rule):
    per = {}
    for (name, s), (y, p) in parts.items():
        per.setdefault(name, []).append(roc_auc_score(y, rule(p)))
    names = sorted(per, key=lambda n: int(n.split("_")[0]))
    auc = {n: np.mean(per[n]) for n in names}
    rk = np.mean([adbench.ranks([auc[n]] + [np.mean([peers[(n, s)][m] for s in adbench.SEEDS])
                                             for m in ("k-NN", "LOF", "PCA", "IForest")]) for n in names], 0)
    return np.mean(list(auc.values())), rk, auc


def sumrule(*ks, how="sum"):
    def f(p):
        st = [z(*p[k]) for k in ks]
        return np.max(st, 0) if how == "max" else np.sum(st, 0)
    return f


def main(data, out):
    keys = [(n, s) for n in adbench.sets(data) for s in adbench.SEEDS]
    peers = load(os.path.join(out, "peers.pkl"), peers_of, data, keys)
    parts = load(os.path.join(out, "parts.pkl"), parts_of, data, keys)
    names = sorted({n for n, _ in keys}, key=lambda n: int(n.split("_")[0]))
    print("peers mean:", {m: round(np.mean([np.mean([peers[(n, s)][m] for s in adbench.SEEDS]) for n in names]), 3)
                         for m in ("k-NN", "LOF", "PCA", "IForest")})
    cands = [(k, sumrule(k)) for k in parts[keys[0]][1]]
    cands += [("I+W0.1", sumrule("I", "W0.1")), ("max(I,W0.1)", sumrule("I", "W0.1", how="max")),
              ("I+M0.1", sumrule("I", "M0.1")), ("max(I,P)", sumrule("I", "P", how="max")),
              ("I1+W0.1", sumrule("I1", "W0.1")), ("max(I,I1,W0.1)", sumrule("I", "I1", "W0.1", how="max"))]
    rows = []
    for label, rule in cands:
        m, rk, auc = evaluate(parts, peers, rule)
        rows.append((label, m, rk, auc))
        print(f"| {label} | {m:.3f} | {rk[0]:.2f} | {rk[1]:.2f} |", flush=True)
    print("| set | " + " | ".join(r[0] for r in rows) + " | kNN | PCA |")
    for n in names:
        print(f"| {n} | " + " | ".join(f"{r[3][n]:.3f}" for r in rows) +
              f" | {np.mean([peers[(n, s)]['k-NN'] for s in adbench.SEEDS]):.3f} | {np.mean([peers[(n, s)]['PCA'] for s in adbench.SEEDS]):.3f} |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
