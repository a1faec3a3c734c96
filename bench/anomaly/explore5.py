#!/usr/bin/python3
"""Autoencoder parts (explore_ae.py) alone and with the k-NN parts, DEVELOPMENT splits only.
Each member's part is put on the held-out scale, then averaged over members (1 member: #0 only; 3: #0-#2).
explore5.py DATA OUT"""
import os, sys, pickle
import numpy as np
from sklearn.metrics import roc_auc_score
os.environ.setdefault("ADBENCH_SEEDS", "100 101 102")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adbench
from explore4 import SCALES

if __name__ == "__main__":
    data, out = sys.argv[1], sys.argv[2]
    keys = [(n, s) for n in adbench.sets(data) for s in adbench.SEEDS]
    ld = lambda f: pickle.load(open(os.path.join(out, f), "rb"))
    parts, p2, peers, ae = ld("parts.pkl"), ld("parts2.pkl"), ld("peers.pkl"), ld("ae.pkl")
    names = adbench.sets(data)
    peer_auc = {n: [np.mean([peers[(n, s)][m] for s in adbench.SEEDS]) for m in ("k-NN", "LOF", "PCA", "IForest")] for n in names}
    for sc in ("z", "rob"):
        f = SCALES[sc]
        std = {}
        for k in keys:
            raw = {**parts[k][1], **p2[k]}
            d = {m: f(*raw[m]) for m in ("I", "I1", "Q", "P")}
            for a in ("R", "Rz", "L"):
                d[a + "1"] = f(*ae[k][a + "#0"])
                d[a + "3"] = np.mean([f(*ae[k][f"{a}#{m}"]) for m in range(3)], 0)
            std[k] = d
        combos = [("one", ("R1",)), ("one", ("R3",)), ("one", ("Rz1",)), ("one", ("Rz3",)), ("one", ("L1",)), ("one", ("L3",)),
                  ("sum", ("R3", "L3")), ("sum", ("Rz3", "L3")),
                  ("sum", ("I", "R3")), ("sum", ("I", "Rz3")), ("max", ("I", "R3")), ("max", ("I", "Rz3")),
                  ("max", ("I", "I1", "Q", "R3")), ("max", ("I", "I1", "Q", "Rz3")), ("sum", ("I", "I1", "Q", "Rz3")),
                  ("sum", ("I", "I1", "Q", "R3")), ("max", ("I", "I1", "Rz3")), ("sum", ("I", "I1", "Rz3")),
                  ("max", ("I", "I1", "Q")), ("sum", ("I", "I", "R3", "L3"))]
        for how, combo in combos:
            per = {}
            for k in keys:
                st = [std[k][m] for m in combo]
                s_ = np.max(st, 0) if how == "max" else np.sum(st, 0)
                per.setdefault(k[0], []).append(roc_auc_score(parts[k][0], s_))
            auc = {n: np.mean(per[n]) for n in names}
            rk = np.mean([adbench.ranks([auc[n]] + peer_auc[n]) for n in names], 0)
            print(f"| {sc} {how}({', '.join(combo)}) | {np.mean(list(auc.values())):.3f} | {rk[0]:.2f} | {rk[1]:.2f} | Wilt {auc['44_Wilt']:.3f} Ads {auc['17_InternetAds']:.3f} |", flush=True)
