#!/usr/bin/python3
"""Autoencoder parts on the DEVELOPMENT splits (seeds 100-102), prototyped in PyTorch with `ae detect`'s sizing rule
(hidden clamp(2D,16,128), code clamp(ceil(D/2),2,16), batch N/100 as a power of two in [32,512], ~3000 Adam steps,
early stopping on the held-out normals, patience 10). Parts per member seed (3 seeds):
  R   mean squared residual; Rz  sum of squared residuals each divided by its held-out normal deviation;
  L   mean distance from the code to its 5 nearest training codes.
explore_ae.py DATA OUT   (caches OUT/ae.pkl)"""
import os, sys, pickle, math
import numpy as np
import torch
from sklearn.neighbors import NearestNeighbors
os.environ.setdefault("ADBENCH_SEEDS", "100 101 102")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adbench
from explore import data_of, load
assert not set(adbench.SEEDS) & {0, 1, 2}
torch.set_num_threads(1)


def fit_ae(F, V, seed):
    torch.manual_seed(seed)
    n, d = F.shape
    h, c = min(max(2 * d, 16), 128), min(max(math.ceil(d / 2), 2), 16)
    b = 2 ** round(math.log2(max(n / 100, 1)))
    b = min(max(b, 32), 512)
    epochs = min(max(round(3000 / max(math.ceil(n / b), 1)), 10), 200)
    enc = torch.nn.Sequential(torch.nn.Linear(d, h), torch.nn.ReLU(), torch.nn.Linear(h, c))
    dec = torch.nn.Sequential(torch.nn.Linear(c, h), torch.nn.ReLU(), torch.nn.Linear(h, d))
    opt = torch.optim.Adam(list(enc.parameters()) + list(dec.parameters()), 1e-3)
    Ft, Vt = torch.tensor(F, dtype=torch.float32), torch.tensor(V, dtype=torch.float32)
    best, state, bad = float("inf"), None, 0
    g = torch.Generator().manual_seed(seed)
    for ep in range(epochs):
        perm = torch.randperm(n, generator=g)
        for i in range(0, n, b):
            x = Ft[perm[i:i + b]]
            loss = ((dec(enc(x)) - x) ** 2).mean()
            opt.zero_grad(); loss.backward(); opt.step()
        with torch.no_grad():
            vl = ((dec(enc(Vt)) - Vt) ** 2).mean().item()
        if vl < best - 1e-6:
            best, bad = vl, 0
            state = ([p.detach().clone() for p in enc.parameters()], [p.detach().clone() for p in dec.parameters()])
        else:
            bad += 1
            if bad >= 10:
                break
    with torch.no_grad():
        for p, q in zip(list(enc.parameters()) + list(dec.parameters()), state[0] + state[1]):
            p.copy_(q)
    def run(a):
        with torch.no_grad():
            t = torch.tensor(a, dtype=torch.float32)
            code = enc(t)
            return (dec(code) - t).numpy().astype(np.float64), code.numpy().astype(np.float64)
    return run


def ae_parts(data, name, seed):
    N, T, y, fi, vi = data_of(data, name, seed)
    F, V = N[fi], N[vi]
    out = {}
    for m in range(3):
        run = fit_ae(F, V, 1 + m)
        rv, cv = run(V); rt, ct = run(T); rf, cf = run(F)
        sd = np.maximum(rv.std(0), 1e-3)
        nn = NearestNeighbors(n_neighbors=5).fit(cf)
        out[f"R#{m}"] = (rv ** 2).mean(1), (rt ** 2).mean(1)
        out[f"Rz#{m}"] = ((rv / sd) ** 2).sum(1), ((rt / sd) ** 2).sum(1)
        out[f"L#{m}"] = nn.kneighbors(cv)[0].mean(1), nn.kneighbors(ct)[0].mean(1)
    return out


if __name__ == "__main__":
    data, out = sys.argv[1], sys.argv[2]
    keys = [(n, s) for n in adbench.sets(data) for s in adbench.SEEDS]
    load(os.path.join(out, "ae.pkl"), ae_parts, data, keys)
