#!/usr/bin/python3
"""Session of 2026-12-07 (morning): five more families of candidate scores for the tables, DEVELOPMENT splits only.

  explore6.py DATA OUT    caches parts in OUT/parts6.pkl (peers in OUT/peers.pkl, shared with explore.py);
                          prints a markdown table, the per-set ROC-AUC of each candidate, and per set the share
                          of principal components for 90 % of the variance beside PCA's ROC-AUC minus knn-max's.

Parts (each computed on develop.py's split: the training normals cut 80/20, held-out rows scored against the rest):
  MK      masked-cell reconstruction by nearest neighbours (the non-parametric half of NPT-AD, Thimonier et al. 2024):
          24 random masks hiding 30 % of the columns; a masked cell is predicted by the mean of the 5 nearest normal
          rows on the visible columns; the score is the mean squared error of the masked cells over the masks
  MA, MA0 a masked autoencoder (in the spirit of MCM, Yin et al. 2024): MLP [x * (1 - m), m] -> x, widths
          clamp(2D, 64, 256), 2,000 Adam steps on random masks (ratio 5-55 %); MA = masked-cell error over 16 fixed
          masks of 30 %, MA0 = error with nothing masked
  Qu, Qt  rank-Gauss with piecewise-linear interpolation between the reference values, extended beyond the
          reference range with slope 1 (u) or the slope of the outer 5 % (t), then 5-NN; Q1u, Q1t the same with 1-NN
  IQ, IQ1 5-NN and 1-NN on the z-scored columns and their rank-Gauss values side by side
  IP1/2/4 5-NN on the z-scored columns beside c x their PCA-90 % residual (c = 1, 2, 4)
  S1, S5  variable subsampling (Aggarwal and Sathe 2015): 30 rounds, each a random 50-1,000 reference rows,
          per-round scores standardised on the held-out rows, averaged; B1, B5: 30 rounds of a quarter of the rows
Candidates: each part alone, and rob max(I, I1, Q, part) beside knn-max itself (rob max(I, I1, Q)).
Nothing here reads seeds 0-2.
"""
import os, sys, pickle
import numpy as np
from sklearn.neighbors import NearestNeighbors
from sklearn.decomposition import PCA
from scipy.stats import norm
os.environ.setdefault("ADBENCH_SEEDS", "100 101 102")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import adbench
from develop import knn, rank_gauss, normal_split, robust, parts_of as base_parts
from explore import peers_of, load, evaluate
assert not set(adbench.SEEDS) & {0, 1, 2}


def mask_knn(F, V, T, ref, seed, masks=24, ratio=0.3, k=5):
    rng = np.random.default_rng(1000 + seed)
    live = np.where(F.std(0) > 0)[0]
    sv, st = np.zeros(len(V)), np.zeros(len(T))
    for _ in range(masks):
        m = rng.random(len(live)) < ratio
        if m.all() or not m.any():
            m = np.zeros(len(live), bool)
            m[rng.integers(len(live))] = True
        hid, vis = live[m], live[~m]
        nn = NearestNeighbors(n_neighbors=k + 1).fit(ref[:, vis])
        iv, it = nn.kneighbors(V[:, vis])[1][:, 1:], nn.kneighbors(T[:, vis], n_neighbors=k)[1]
        sv += ((V[:, hid] - ref[iv][:, :, hid].mean(1)) ** 2).mean(1)
        st += ((T[:, hid] - ref[it][:, :, hid].mean(1)) ** 2).mean(1)
    return sv / masks, st / masks


def masked_autoencoder(F, V, T, seed, steps=2000, masks=16, ratio=0.3):
    import torch
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    D = F.shape[1]
    h = int(np.clip(2 * D, 64, 256))
    net = torch.nn.Sequential(torch.nn.Linear(2 * D, h), torch.nn.ReLU(), torch.nn.Linear(h, h), torch.nn.ReLU(),
                              torch.nn.Linear(h, D))
    opt = torch.optim.Adam(net.parameters(), 1e-3, weight_decay=1e-5)
    Ft, g, bs = torch.tensor(F, dtype=torch.float32), torch.Generator().manual_seed(seed), min(128, len(F))
    for _ in range(steps):
        x = Ft[torch.randint(len(F), (bs,), generator=g)]
        m = (torch.rand(bs, D, generator=g) < torch.rand(bs, 1, generator=g) * 0.5 + 0.05).float()
        loss = (((net(torch.cat([x * (1 - m), m], 1)) - x) ** 2) * m).sum() / m.sum().clamp(min=1)
        opt.zero_grad()
        loss.backward()
        opt.step()
    rng = np.random.default_rng(2000 + seed)
    fixed = [rng.random(D) < ratio for _ in range(masks)]
    for m in fixed:
        if not m.any():
            m[rng.integers(D)] = True

    def score(a):
        a = torch.tensor(a, dtype=torch.float32)
        with torch.no_grad():
            plain = ((net(torch.cat([a, torch.zeros_like(a)], 1)) - a) ** 2).mean(1)
            hidden = torch.zeros(len(a))
            for m in fixed:
                m = torch.tensor(m, dtype=torch.float32).expand_as(a)
                hidden += (((net(torch.cat([a * (1 - m), m], 1)) - a) ** 2) * m).sum(1) / m.sum(1)
        return (hidden / masks).numpy(), plain.numpy()
    (hv, pv), (ht, pt) = score(V), score(T)
    return {"MA": (hv, ht), "MA0": (pv, pt)}


def rank_gauss_extended(fit, tail):
    n, cols = len(fit), []
    for j in range(fit.shape[1]):
        u, c = np.unique(fit[:, j], return_counts=True)
        cols.append((u, norm.ppf((np.cumsum(c) - c / 2 + 0.5) / (n + 1))))

    def transform(a):
        out = np.empty_like(a)
        for j, (u, g) in enumerate(cols):
            x = a[:, j]
            if len(u) == 1:
                out[:, j] = x - u[0]
                continue
            lo = hi = 1.0
            if tail:
                k = max(1, len(u) // 20)
                hi = (g[-1] - g[-1 - k]) / max(u[-1] - u[-1 - k], 1e-12)
                lo = (g[k] - g[0]) / max(u[k] - u[0], 1e-12)
            y = np.interp(x, u, g)
            y = np.where(x > u[-1], g[-1] + (x - u[-1]) * hi, y)
            out[:, j] = np.where(x < u[0], g[0] + (x - u[0]) * lo, y)
        return out
    return transform


def subsampled(F, V, T, seed, k, variable, rounds=30):
    rng, n = np.random.default_rng(3000 + seed + 10 * k + (100 if variable else 0)), len(F)
    sv, st = np.zeros(len(V)), np.zeros(len(T))
    for _ in range(rounds):
        m = int(rng.integers(min(50, n), min(1000, n) + 1)) if variable else max(k + 1, n // 4)
        nn = NearestNeighbors(n_neighbors=min(k, m)).fit(F[rng.choice(n, m, replace=False)])
        dv, dt = nn.kneighbors(V)[0].mean(1), nn.kneighbors(T)[0].mean(1)
        if variable:
            sd = dv.std() or 1
            dv, dt = (dv - dv.mean()) / sd, (dt - dv.mean()) / sd
        sv += dv
        st += dt
    return sv / rounds, st / rounds


def parts6(data, name, seed):
    y, out = base_parts(data, name, seed)
    N, T, _, fi, vi = normal_split(data, name, seed)
    F, V = N[fi], N[vi]
    ref = np.vstack([F, V])
    out["MK"] = mask_knn(F, V, T, ref, seed)
    out.update(masked_autoencoder(F, V, T, seed))
    for tag, tail in (("u", False), ("t", True)):
        g = rank_gauss_extended(F, tail)
        out["Q" + tag], out["Q1" + tag] = knn(g(ref), g(V), g(T), 5), knn(g(ref), g(V), g(T), 1)
    q = rank_gauss(F)
    both = lambda a: np.hstack([a, q(a)])
    out["IQ"], out["IQ1"] = knn(both(ref), both(V), both(T), 5), knn(both(ref), both(V), both(T), 1)
    p = PCA(n_components=0.9).fit(F)
    for c in (1, 2, 4):
        e = lambda a: np.hstack([a, c * (a - p.inverse_transform(p.transform(a)))])
        out[f"IP{c}"] = knn(e(ref), e(V), e(T), 5)
    for k in (1, 5):
        out[f"S{k}"], out[f"B{k}"] = subsampled(F, V, T, seed, k, True), subsampled(F, V, T, seed, k, False)
    return y, out


def robmax(*keys):
    return lambda p: np.max([robust(*p[k]) for k in keys], 0)


def main(data, out):
    keys = [(n, s) for n in adbench.sets(data) for s in adbench.SEEDS]
    peers = load(os.path.join(out, "peers.pkl"), peers_of, data, keys)
    parts = load(os.path.join(out, "parts6.pkl"), parts6, data, keys)
    new = ["MK", "MA", "MA0", "Qu", "Qt", "Q1u", "Q1t", "IQ", "IQ1", "IP1", "IP2", "IP4", "S1", "S5", "B1", "B5"]
    cands = [("knn-max: rob max(I, I1, Q)", robmax("I", "I1", "Q"))]
    cands += [(k, lambda p, k=k: p[k][1]) for k in new]
    cands += [(f"rob max(I, I1, Q, {k})", robmax("I", "I1", "Q", k)) for k in new]
    print("| candidate | mean ROC-AUC | its mean rank of 5 | k-NN's rank beside it |\n| --- | ---: | ---: | ---: |")
    rows = []
    for label, rule in cands:
        m, rk, auc = evaluate(parts, peers, rule)
        rows.append((label, auc))
        print(f"| {label} | {m:.3f} | {rk[0]:.2f} | {rk[1]:.2f} |", flush=True)
    print("\n| set | " + " | ".join(r[0] for r in rows[:1 + len(new)]) + " |")
    print("| --- |" + " ---: |" * (1 + len(new)))
    for n in sorted(rows[0][1], key=lambda n: int(n.split("_")[0])):
        print(f"| {n} | " + " | ".join(f"{r[1][n]:.3f}" for r in rows[:1 + len(new)]) + " |")
    # Does the data's shape say where PCA beats knn-max? Share of components for 90 % of the variance (seed 100's
    # training normals) beside PCA's ROC-AUC minus knn-max's.
    _, _, pca = evaluate(parts, peers, lambda p: p["P"][1])
    print("\n| set | components for 90 % / columns | PCA minus knn-max |\n| --- | ---: | ---: |")
    for n in sorted(pca, key=lambda n: int(n.split("_")[0])):
        N = normal_split(data, n, adbench.SEEDS[0])[0]
        share = (np.searchsorted(np.cumsum(PCA().fit(N).explained_variance_ratio_), 0.9) + 1) / N.shape[1]
        print(f"| {n} | {share:.2f} | {pca[n] - rows[0][1][n]:+.3f} |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
