#!/usr/bin/python3
"""More candidate parts on the DEVELOPMENT splits (seeds 100-102), and a search over sums / maxima of up to three
standardised parts. explore2.py DATA OUT"""
import os, sys, pickle, itertools
import numpy as np
from sklearn.neighbors import NearestNeighbors, LocalOutlierFactor
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score
os.environ.setdefault("ADBENCH_SEEDS", "100 101 102")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adbench
from explore import data_of, whitener, load, z
from develop import rank_gauss
assert not set(adbench.SEEDS) & {0, 1, 2}


def parts2(data, name, seed):
    N, T, y, fi, vi = data_of(data, name, seed)
    F, V = N[fi], N[vi]
    ref = np.vstack([F, V])
    nv = len(V)
    nn = NearestNeighbors(n_neighbors=11).fit(ref)
    dv, iv = nn.kneighbors(V)            # includes self at 0
    dv, iv = dv[:, 1:], iv[:, 1:]
    dt, it = nn.kneighbors(T, n_neighbors=10)
    out = {}
    for k in (2, 3, 10):
        out[f"I{k}"] = dv[:, :k].mean(1), dt[:, :k].mean(1)
    out["K5"] = dv[:, 4], dt[:, 4]          # distance to the 5th
    # local ratio: 1-NN distance over the reference neighbours' own 1-NN distance (mean over 5 neighbours)
    dref = nn.kneighbors(ref, n_neighbors=2)[0][:, 1]
    out["R1"] = dv[:, 0] / np.maximum(dref[iv[:, :5]].mean(1), 1e-12), dt[:, 0] / np.maximum(dref[it[:, :5]].mean(1), 1e-12)
    # cosine 5-NN (on z-scored rows)
    def unit(a):
        return a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12)
    nc = NearestNeighbors(n_neighbors=6).fit(unit(ref))
    out["C"] = nc.kneighbors(unit(V))[0][:, 1:6].mean(1), nc.kneighbors(unit(T), n_neighbors=5)[0].mean(1)
    q = rank_gauss(F)
    nq = NearestNeighbors(n_neighbors=6).fit(q(ref))
    out["Q"] = nq.kneighbors(q(V))[0][:, 1:6].mean(1), nq.kneighbors(q(T), n_neighbors=5)[0].mean(1)
    out["Q1"] = nq.kneighbors(q(V))[0][:, 1], nq.kneighbors(q(T), n_neighbors=1)[0][:, 0]
    p = PCA(n_components=0.9).fit(F)
    res = lambda a: a - p.inverse_transform(p.transform(a))
    rs = np.maximum(res(F).std(0), 1e-3)
    out["Pz"] = ((res(V) / rs) ** 2).sum(1), ((res(T) / rs) ** 2).sum(1)
    out["Pmax"] = np.abs(res(V) / rs).max(1), np.abs(res(T) / rs).max(1)
    for kk in (5, 10):
        lof = LocalOutlierFactor(n_neighbors=kk, novelty=True).fit(F)
        out[f"LOF{kk}"] = -lof.score_samples(V), -lof.score_samples(T)
    return out


def main(data, out):
    keys = [(n, s) for n in adbench.sets(data) for s in adbench.SEEDS]
    parts = pickle.load(open(os.path.join(out, "parts.pkl"), "rb"))
    peers = pickle.load(open(os.path.join(out, "peers.pkl"), "rb"))
    p2 = load(os.path.join(out, "parts2.pkl"), parts2, data, keys)
    names = sorted({n for n, _ in keys}, key=lambda n: int(n.split("_")[0]))
    allp = {k: (parts[k][0], {**parts[k][1], **p2[k]}) for k in keys}
    std = {k: {m: z(*v) for m, v in p.items()} for k, (y, p) in allp.items()}
    peer_auc = {n: [np.mean([peers[(n, s)][m] for s in adbench.SEEDS]) for m in ("k-NN", "LOF", "PCA", "IForest")] for n in names}
    auc_cache = {}

    def ev(parts_, how):
        per = {}
        for k in keys:
            y = allp[k][0]
            st = [std[k][m] for m in parts_]
            sc = np.max(st, 0) if how == "max" else np.sum(st, 0)
            per.setdefault(k[0], []).append(roc_auc_score(y, sc))
        auc = {n: np.mean(per[n]) for n in names}
        rk = np.mean([adbench.ranks([auc[n]] + peer_auc[n]) for n in names], 0)
        return np.mean(list(auc.values())), rk[0], rk[1], auc

    singles = list(std[keys[0]])
    res = []
    for m in singles:
        res.append(((m,), "one") + ev((m,), "sum"))
    for r in (2, 3):
        for combo in itertools.combinations(singles, r):
            for how in ("sum", "max"):
                res.append((combo, how) + ev(combo, how))
    pickle.dump(res, open(os.path.join(out, "search.pkl"), "wb"))
    print("singles:")
    for c, how, m, r0, r1, auc in res[:len(singles)]:
        print(f"| {c[0]} | {m:.3f} | {r0:.2f} | {r1:.2f} |")
    print("top 25 by mean:")
    for c, how, m, r0, r1, auc in sorted(res, key=lambda t: -t[2])[:25]:
        print(f"| {how}({', '.join(c)}) | {m:.3f} | {r0:.2f} | {r1:.2f} |")
    print("top 15 by rank:")
    for c, how, m, r0, r1, auc in sorted(res, key=lambda t: t[3])[:15]:
        print(f"| {how}({', '.join(c)}) | {m:.3f} | {r0:.2f} | {r1:.2f} |")
    print(f"{len(res)} candidates searched")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
