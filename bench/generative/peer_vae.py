#!/usr/bin/env python3
"""PyTorch peer of recipes/vae-beta4-784-400-20.json (beta-VAE) and recipes/vae-iwae-784-400-20.json (IWAE training).

The model is bench/vae_peer.py's 784-400-20 VAE (fc1 784-400 ReLU, heads 400-20 for mu and log sigma^2, fc3 20-400
ReLU, fc4 400-784 Bernoulli logits, PyTorch's default Linear initialisation, as TorchSharp's). Training as ours:
Adam lr 1e-3, batch 100, seed 1, one thread, and the same data order: each epoch takes torch.randperm(N) from one
torch.Generator seeded with the seed, which is what AutoEncoders' Trainer does (TrainerGenerators.Shuffle).
  --objective elbo --beta B : nll + B * closed-form KL (beta-VAE; B = 1 is the VAE).
  --objective iwae --k K    : minus the IWAE bound log (1/K) sum_i p(x|z_i) p(z_i) / q(z_i|x), z_i reparameterised
                              (Burda et al., 2016), as AutoEncoders.Objectives.ImportanceWeightedBound.
Evaluation (also of our trained model, exported by `ae-bench vae-export`, with --eval WEIGHTS): bench/vae_peer.py's
test ELBO (one z per image, closed-form KL), the IWAE bound with --iwae-samples on the first --iwae-limit test
images, and the reconstruction error of the decoded posterior mean: binary cross-entropy summed over pixels and
the squared error per pixel, averaged over the test set.

Usage: /usr/bin/python3 bench/generative/peer_vae.py --train TRAIN.gz --test TEST.gz --objective elbo --beta 4
       /usr/bin/python3 bench/generative/peer_vae.py --eval WEIGHTS --test TEST.gz
Prints one JSON object on the last line.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vae_peer import VAE, elbo_loss, evaluate, log_likelihood, read_idx_images, train_epoch  # noqa: E402

LAYERS = ["fc1", "fc21", "fc22", "fc3", "fc4"]
LOG2PI = math.log(2 * math.pi)


def iwae_loss(model, x, k):
    mu, logvar = model.posterior(x)
    b, d = mu.shape
    eps = torch.randn((k, b, d))
    z = mu + torch.exp(0.5 * logvar) * eps
    ll = log_likelihood(model.logits(z.reshape(k * b, d)), x.unsqueeze(0).expand(k, b, x.shape[1]).reshape(k * b, -1)).reshape(k, b)
    logp = -0.5 * (z.pow(2) + LOG2PI).sum(2)
    logq = -0.5 * (eps.pow(2) + logvar + LOG2PI).sum(2)
    return -(torch.logsumexp(ll + logp - logq, 0) - math.log(k)).mean()


@torch.no_grad()
def reconstruction(model, test, batch=100):
    model.eval()
    bce = sq = 0.0
    for i in range(0, len(test), batch):
        x = test[i:i + batch]
        mu, _ = model.posterior(x)
        logits = model.logits(mu)
        bce += F.binary_cross_entropy_with_logits(logits, x, reduction="sum").item()
        sq += (torch.sigmoid(logits) - x).pow(2).sum().item()
    return {"reconstruction_bce": bce / len(test), "reconstruction_mse": sq / test.numel()}


def full_evaluation(model, test, k, limit):
    metrics = evaluate(model, test, k, limit)
    metrics.update(reconstruction(model, test))
    return metrics


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--train")
    p.add_argument("--test", required=True)
    p.add_argument("--eval")
    p.add_argument("--objective", choices=["elbo", "iwae"], default="elbo")
    p.add_argument("--beta", type=float, default=1.0)
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--iwae-samples", type=int, default=1000)
    p.add_argument("--iwae-limit", type=int, default=1000)
    a = p.parse_args()
    if a.k < 1:
        sys.exit("error: --k: the number of importance samples must be 1 or more")
    if a.beta < 0:
        sys.exit("error: --beta: must be 0 or more")
    torch.set_num_threads(1)
    test = read_idx_images(a.test)
    if a.eval:
        model = VAE()
        with torch.no_grad():
            for layer in LAYERS:
                getattr(model, layer).weight.copy_(torch.from_numpy(np.load(os.path.join(a.eval, f"{layer}_w.npy"))))
                getattr(model, layer).bias.copy_(torch.from_numpy(np.load(os.path.join(a.eval, f"{layer}_b.npy"))))
        print(json.dumps(full_evaluation(model, test, a.iwae_samples, a.iwae_limit)))
        return
    cpu0, wall0 = time.process_time(), time.time()
    torch.manual_seed(a.seed)
    train = read_idx_images(a.train)
    model = VAE()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    g = torch.Generator().manual_seed(a.seed)
    cpu1, wall1 = time.process_time(), time.time()
    history = []
    if a.objective == "iwae":
        loss_fn = lambda model, x: iwae_loss(model, x, a.k)  # noqa: E731
    else:
        loss_fn = lambda model, x: elbo_loss(model, x, a.beta)  # noqa: E731
    for epoch in range(a.epochs):
        perm = torch.randperm(len(train), generator=g)
        if epoch == 0:
            print("first indices", perm[:8].tolist(), flush=True)
        history.append(train_epoch(model, opt, train, perm, a.batch_size, loss_fn))
        print(f"epoch {epoch + 1}/{a.epochs}  loss {history[-1]:.3f}  {time.time() - wall1:.1f} s", flush=True)
    train_cpu, train_wall = time.process_time() - cpu1, time.time() - wall1
    setup_cpu = cpu1 - cpu0
    metrics = full_evaluation(model, test, a.iwae_samples, a.iwae_limit)
    metrics.update({"train_loss": history[-1], "train_cpu_seconds": train_cpu, "setup_cpu_seconds": setup_cpu,
                    "train_wall_seconds": train_wall, "epochs": a.epochs, "torch": torch.__version__,
                    "train_examples": len(train), "objective": a.objective, "beta": a.beta, "k": a.k})
    print(json.dumps(metrics))


if __name__ == "__main__":
    main()
