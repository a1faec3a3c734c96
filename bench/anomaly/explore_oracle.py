#!/usr/bin/python3
"""Ceiling of per-set selection: the mean over sets of the best test ROC-AUC among candidate parts, chosen PER SET BY
TEST LABELS (not a method; only the upper bound any label-free selection among those parts could reach).
Development splits (seeds 100-102) only; reads explore.py / explore2.py / explore3.py caches.
Run from the repository root: /usr/bin/python3 bench/anomaly/explore_oracle.py"""
import os, sys, pickle
import numpy as np
os.environ["ADBENCH_SEEDS"]="100 101 102"
sys.path.insert(0, "bench/anomaly")
import adbench
from sklearn.metrics import roc_auc_score
out="bench/anomaly/out/explore"
ld=lambda f: pickle.load(open(os.path.join(out,f),"rb"))
parts,p2,p3=ld("parts.pkl"),ld("parts2.pkl"),ld("parts3.pkl")
names=adbench.sets("../shared/datasets/adbench")
for cand in (("I","I1","Q","P"),("I","I1","Q","P","W0.3","Aq0.99x2"),("I","P"),("I1","P")):
    best=[]
    for n in names:
        a={m:np.mean([roc_auc_score(parts[(n,s)][0],{**parts[(n,s)][1],**p2[(n,s)],**p3[(n,s)]}[m][1]) for s in adbench.SEEDS]) for m in cand}
        best.append(max(a.values()))
    print(cand, "oracle per-set best:", round(np.mean(best),3))
