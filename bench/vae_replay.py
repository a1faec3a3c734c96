#!/usr/bin/env python3
"""Reference trajectory of bench/vae_peer.py's VAE for a step-by-step comparison with ours (ae-bench vae-replay).

Writes to OUT: the seeded initial weights (init_<layer>_{w,b}.npy), STEPS batches of Fashion-MNIST training indices
(idx.npy, [STEPS, B]) and eps draws (eps.npy, [STEPS, B, 20]), the first batch as the peer reads it (x0.npy), and
PyTorch's results with torch.optim.Adam(lr 1e-3): the loss terms of every step (terms.npy, [STEPS, 2]: nll, kl), the
step-0 gradients (grad0_<layer>_{w,b}.npy) and the parameters after steps 1, 10 and STEPS (after<k>_<layer>_{w,b}.npy).
With --double the same trajectory is also run in float64 (files prefixed f64_), a rounding-free yardstick.
With --eval WEIGHTS (a folder written by `ae-bench vae-export`), instead evaluates that trained model of ours with
vae_peer.py's evaluation on --test and prints its JSON.

Usage: /usr/bin/python3 bench/vae_replay.py --train train-images-idx3-ubyte.gz --out DIR [--steps 200] [--seed 1] [--double]
       /usr/bin/python3 bench/vae_replay.py --eval WEIGHTS --test t10k-images-idx3-ubyte.gz
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vae_peer import VAE, evaluate, kl_per_example, log_likelihood, read_idx_images  # noqa: E402

LAYERS = ["fc1", "fc21", "fc22", "fc3", "fc4"]


def save(out, name, t):
    np.save(os.path.join(out, name + ".npy"), t.detach().cpu().numpy())


def save_params(out, prefix, model):
    for layer in LAYERS:
        m = getattr(model, layer)
        save(out, f"{prefix}{layer}_w", m.weight)
        save(out, f"{prefix}{layer}_b", m.bias)


def replay(model, train, idx, eps, out, prefix, checkpoints):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    dtype = next(model.parameters()).dtype
    terms = []
    for step in range(len(idx)):
        x = train[idx[step]].to(dtype)
        mu, logvar = model.posterior(x)
        z = mu + torch.exp(0.5 * logvar) * eps[step].to(dtype)
        nll = -log_likelihood(model.logits(z), x).mean()
        kl = kl_per_example(mu, logvar).mean()
        loss = nll + kl
        opt.zero_grad()
        loss.backward()
        terms.append([nll.item(), kl.item()])
        if step == 0:
            for layer in LAYERS:
                m = getattr(model, layer)
                save(out, f"{prefix}grad0_{layer}_w", m.weight.grad)
                save(out, f"{prefix}grad0_{layer}_b", m.bias.grad)
        opt.step()
        if step + 1 in checkpoints:
            save_params(out, f"{prefix}after{step + 1}_", model)
    np.save(os.path.join(out, prefix + "terms.npy"), np.array(terms, dtype=np.float64))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--train")
    p.add_argument("--out")
    p.add_argument("--eval")
    p.add_argument("--test")
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--double", action="store_true")
    a = p.parse_args()
    torch.set_num_threads(1)
    if a.eval:
        model = VAE()
        with torch.no_grad():
            for layer in LAYERS:
                getattr(model, layer).weight.copy_(torch.from_numpy(np.load(os.path.join(a.eval, f"{layer}_w.npy"))))
                getattr(model, layer).bias.copy_(torch.from_numpy(np.load(os.path.join(a.eval, f"{layer}_b.npy"))))
        print(json.dumps(evaluate(model, read_idx_images(a.test), 0, 0)))
        return
    os.makedirs(a.out, exist_ok=True)
    torch.manual_seed(a.seed)
    train = read_idx_images(a.train)
    model = VAE()
    save_params(a.out, "init_", model)
    g = torch.Generator().manual_seed(a.seed + 100)
    idx = torch.randperm(len(train), generator=g)[: a.steps * a.batch_size].reshape(a.steps, a.batch_size)
    eps = torch.randn((a.steps, a.batch_size, 20), generator=g)
    np.save(os.path.join(a.out, "idx.npy"), idx.numpy().astype(np.int64))
    save(a.out, "eps", eps)
    save(a.out, "x0", train[idx[0]])
    state = {k: v.clone() for k, v in model.state_dict().items()}
    checkpoints = {1, 10, a.steps}
    replay(model, train, idx, eps, a.out, "", checkpoints)
    if a.double:
        model64 = VAE().double()
        model64.load_state_dict({k: v.double() for k, v in state.items()})
        replay(model64, train, idx, eps, a.out, "f64_", checkpoints)
    print(f"wrote {a.out}: {a.steps} steps, torch {torch.__version__}")


if __name__ == "__main__":
    main()
