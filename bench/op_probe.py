#!/usr/bin/python3
"""The peer half of `ae-bench ops`: CPU time of single operations (best of 200, time.thread_time()).

Usage: op_probe.py BATCH INPUT HIDDEN   (threads from AE_THREADS, default 1)
"""
import os, sys, time

import torch
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get("AE_THREADS", "1")))
batch, inp, hid = (int(a) for a in sys.argv[1:4])
gen = torch.Generator().manual_seed(1)
x = torch.rand(batch, inp)
w = torch.randn(hid, inp) * 0.05
b = torch.randn(hid) * 0.05
g = torch.randn(batch, hid)
g_out = torch.randn(batch, inp)
w2 = torch.randn(inp, hid) * 0.05
h = torch.randn(batch, hid)
ops = [
    (f"linear fwd [{batch},{inp}]x[{inp},{hid}]", lambda: F.linear(x, w, b)),
    (f"mm grad_input g@W [{batch},{hid}]x[{hid},{inp}]", lambda: g.mm(w)),
    (f"mm grad_weight (g^T x) [{hid},{batch}]x[{batch},{inp}]", lambda: g.t().mm(x)),
    ("mm grad_weight (x^T g)^T", lambda: x.t().mm(g).t().contiguous()),
    (f"linear fwd out [{batch},{hid}]x[{hid},{inp}]", lambda: F.linear(h, w2, None)),
    (f"mm grad_weight out (gOut^T h) [{inp},{batch}]x[{batch},{hid}]", lambda: g_out.t().mm(h)),
    (f"bias grad sum(0) [{batch},{inp}]", lambda: g_out.sum(0)),
    (f"relu [{batch},{hid}]", lambda: F.relu(h)),
    (f"threshold_backward [{batch},{hid}]", lambda: g.mul(h.gt(0))),
    (f"sigmoid [{batch},{inp}]", lambda: g_out.sigmoid()),
    (f"bce_with_logits none+mean [{batch},{inp}]", lambda: F.binary_cross_entropy_with_logits(g_out, x, reduction="none").mean()),
    (f"randn [{batch},{inp}] generator", lambda: torch.randn(x.shape, generator=gen)),
    (f"randn [{batch},{inp}] default", lambda: torch.randn(x.shape)),
    ("x + 0.5 randn, clamp(0,1)", lambda: (x + 0.5 * torch.randn(x.shape, generator=gen)).clamp(0, 1)),
    (f"zeros_like [{hid},{inp}]", lambda: torch.zeros_like(w)),
    ("add scalar tensor op overhead", lambda: b.add(1.0)),
    ("bce_with_logits mean, fwd+bwd", lambda: backward(lambda z: F.binary_cross_entropy_with_logits(z, x))),
    ("bce_with_logits none, sum(1).mean, fwd+bwd", lambda: backward(lambda z: F.binary_cross_entropy_with_logits(z, x, reduction="none").sum(1).mean())),
    ("softplus(z) - x z, mean, fwd+bwd", lambda: backward(lambda z: (F.softplus(z) - x * z).mean())),
    ("softplus(z) - x z, sum(1).mean, fwd+bwd", lambda: backward(lambda z: (F.softplus(z) - x * z).sum(1).mean())),
    ("softplus(z).mean - (x z).mean, fwd+bwd", lambda: backward(lambda z: F.softplus(z).mean() - (x * z).mean())),
    ("sigmoid, squared error sum(1).mean, fwd+bwd", lambda: backward(lambda z: (z.sigmoid() - x).square().sum(1).mean())),
    ("sigmoid, mse_loss sum, fwd+bwd", lambda: backward(lambda z: F.mse_loss(z.sigmoid(), x, reduction="sum") / batch)),
    ("relu fwd+bwd", lambda: backward(lambda z: F.relu(z).sum())),
    ("softplus", lambda: F.softplus(g_out)),
    ("exp", lambda: g_out.exp()),
    ("log1p", lambda: g_out.abs().log1p()),
    ("abs", lambda: g_out.abs()),
    ("mul", lambda: g_out.mul(x)),
    ("mean", lambda: g_out.mean()),
]


def backward(loss):
    z = g_out.detach().requires_grad_(True)
    loss(z).backward()


for name, op in ops:
    for _ in range(5):
        op()
    best = float("inf")
    for _ in range(200):
        t0 = time.thread_time()
        op()
        best = min(best, time.thread_time() - t0)
    print(f"{best * 1e6:9.1f} us  {name}")
