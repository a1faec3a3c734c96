#!/usr/bin/python3
"""k-NN in a space where the minor principal directions (beyond 90 % of the variance) are stretched by a factor a:
x -> x + (a - 1) * r(x), r the PCA residual. DEVELOPMENT splits only. explore3.py DATA OUT"""
import os, sys, pickle
import numpy as np
from sklearn.neighbors import NearestNeighbors
from sklearn.decomposition import PCA
from sklearn.metrics import roc_auc_score
os.environ.setdefault("ADBENCH_SEEDS", "100 101 102")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adbench
from explore import data_of, load, z
from explore2 import rank_gauss


def parts3(data, name, seed):
    N, T, y, fi, vi = data_of(data, name, seed)
    F, V = N[fi], N[vi]
    ref = np.vstack([F, V])
    out = {}
    for tag, tf in (("", lambda a: a), ("q", rank_gauss(F))):
        Fq, Vq, Tq, Rq = tf(F), tf(V), tf(T), tf(ref)
        for keep in (0.9, 0.99):
            p = PCA(n_components=keep).fit(Fq)
            res = lambda a: a - p.inverse_transform(p.transform(a))
            for a in (2, 3, 5):
                st = lambda b: b + (a - 1) * res(b)
                nn = NearestNeighbors(n_neighbors=6).fit(st(Rq))
                dv, dt = nn.kneighbors(st(Vq))[0][:, 1:], nn.kneighbors(st(Tq), n_neighbors=5)[0]
                out[f"A{tag}{keep}x{a}"] = dv.mean(1), dt.mean(1)
                out[f"A1{tag}{keep}x{a}"] = dv[:, 0], dt[:, 0]
    return out


if __name__ == "__main__":
    data, out = sys.argv[1], sys.argv[2]
    keys = [(n, s) for n in adbench.sets(data) for s in adbench.SEEDS]
    p3 = load(os.path.join(out, "parts3.pkl"), parts3, data, keys)
    parts = pickle.load(open(os.path.join(out, "parts.pkl"), "rb"))
    p2 = pickle.load(open(os.path.join(out, "parts2.pkl"), "rb"))
    peers = pickle.load(open(os.path.join(out, "peers.pkl"), "rb"))
    names = adbench.sets(data)
    peer_auc = {n: [np.mean([peers[(n, s)][m] for s in adbench.SEEDS]) for m in ("k-NN", "LOF", "PCA", "IForest")] for n in names}
    std = {k: {m: z(*v) for m, v in {**parts[k][1], **p2[k], **p3[k]}.items()} for k in keys}

    def ev(label, f):
        per = {}
        for k in keys:
            per.setdefault(k[0], []).append(roc_auc_score(parts[k][0], f(std[k])))
        auc = {n: np.mean(per[n]) for n in names}
        rk = np.mean([adbench.ranks([auc[n]] + peer_auc[n]) for n in names], 0)
        print(f"| {label} | {np.mean(list(auc.values())):.3f} | {rk[0]:.2f} | {rk[1]:.2f} | Wilt {auc['44_Wilt']:.3f} Ads {auc['17_InternetAds']:.3f} landsat {auc['19_landsat']:.3f} wave {auc['41_Waveform']:.3f}")
    for m in p3[keys[0]]:
        ev(m, lambda s, m=m: s[m])
    for m in p3[keys[0]]:
        ev(f"max(I, I1, Q, {m})", lambda s, m=m: np.max([s["I"], s["I1"], s["Q"], s[m]], 0))
