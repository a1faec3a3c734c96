#!/usr/bin/python3
"""Other ways to put parts on one scale before a max or sum (DEVELOPMENT splits only):
  z     (s - mean) / sd of the held-out normal scores (develop.py's rule)
  logz  the same on log(s)
  rob   (s - median) / (q90 - median) of the held-out normal scores
explore4.py DATA OUT"""
import os, sys, pickle, itertools
import numpy as np
from sklearn.metrics import roc_auc_score
os.environ.setdefault("ADBENCH_SEEDS", "100 101 102")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adbench

SCALES = {
    "z": lambda h, t: (t - h.mean()) / (h.std() or 1),
    "logz": lambda h, t: (np.log(t + 1e-9) - np.log(h + 1e-9).mean()) / (np.log(h + 1e-9).std() or 1),
    "rob": lambda h, t: (t - np.median(h)) / ((np.quantile(h, 0.9) - np.median(h)) or 1),
}

if __name__ == "__main__":
    data, out = sys.argv[1], sys.argv[2]
    keys = [(n, s) for n in adbench.sets(data) for s in adbench.SEEDS]
    ld = lambda f: pickle.load(open(os.path.join(out, f), "rb"))
    parts, p2, p3, peers = ld("parts.pkl"), ld("parts2.pkl"), ld("parts3.pkl"), ld("peers.pkl")
    names = adbench.sets(data)
    peer_auc = {n: [np.mean([peers[(n, s)][m] for s in adbench.SEEDS]) for m in ("k-NN", "LOF", "PCA", "IForest")] for n in names}
    raw = {k: {**parts[k][1], **p2[k], **p3[k]} for k in keys}
    combos = [("I", "I1", "Q"), ("I", "I1"), ("I", "Q"), ("I", "P"), ("I", "I1", "Q", "P"), ("I", "I1", "Q", "Aq0.99x2"),
              ("I", "Pz"), ("I1", "Q"), ("I", "I1", "P"), ("I", "W0.3"), ("I", "I1", "Q", "W0.3")]
    for sc, f in SCALES.items():
        for combo in combos:
            for how in ("sum", "max"):
                per = {}
                for k in keys:
                    st = [f(*raw[k][m]) for m in combo]
                    s_ = np.max(st, 0) if how == "max" else np.sum(st, 0)
                    per.setdefault(k[0], []).append(roc_auc_score(parts[k][0], s_))
                auc = {n: np.mean(per[n]) for n in names}
                rk = np.mean([adbench.ranks([auc[n]] + peer_auc[n]) for n in names], 0)
                print(f"| {sc} {how}({', '.join(combo)}) | {np.mean(list(auc.values())):.3f} | {rk[0]:.2f} | {rk[1]:.2f} |", flush=True)
