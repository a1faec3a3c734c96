#!/usr/bin/env python3
"""PyTorch peer of recipes/vae-784-400-20.json: the same 784-400-20 VAE trained the same way.

Model: fc1 784-400 ReLU, two heads 400-20 (mu, log sigma^2), fc3 20-400 ReLU, fc4 400-784 (Bernoulli logits), PyTorch's
default Linear initialisation (what TorchSharp's nn.Linear uses too). Loss: binary cross-entropy with logits summed
over pixels + closed-form KL, averaged over the batch (nats per example). Adam lr 1e-3, batch 100, shuffled.
Evaluation as AutoEncoders.Evaluation.VariationalEvaluation: test ELBO (one z per example, closed-form KL), the
IWAE bound with k samples on the first N test images, mean KL, active units (Cov_x E_q[z_u] > 0.01).

Usage: python3 bench/vae_peer.py --train IMAGES.gz --test IMAGES.gz --epochs 10 --iwae-samples 1000 --iwae-limit 1000
Prints one JSON object on the last line.
"""
import argparse
import gzip
import json
import math
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx_images(path, limit=None):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
        if magic != 2051:
            raise ValueError(f"{path}: not an IDX image file (magic {magic})")
        data = np.frombuffer(f.read(n * rows * cols), dtype=np.uint8).reshape(n, rows * cols)
    if limit is not None:
        data = data[:limit]
    return torch.from_numpy(data.astype(np.float32) / 255.0)


class VAE(nn.Module):
    def __init__(self, sizes=(784, 400, 20)):
        super().__init__()
        d, h, z = sizes
        self.fc1 = nn.Linear(d, h)
        self.fc21 = nn.Linear(h, z)
        self.fc22 = nn.Linear(h, z)
        self.fc3 = nn.Linear(z, h)
        self.fc4 = nn.Linear(h, d)

    def posterior(self, x):
        h = F.relu(self.fc1(x))
        return self.fc21(h), self.fc22(h)

    def logits(self, z):
        return self.fc4(F.relu(self.fc3(z)))

    def forward(self, x):
        mu, logvar = self.posterior(x)
        z = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        return self.logits(z), mu, logvar


def kl_per_example(mu, logvar):
    return 0.5 * (mu.pow(2) + logvar.exp() - logvar - 1).sum(1)


def log_likelihood(logits, x):
    return -F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(-1)


LOG2PI = math.log(2 * math.pi)


@torch.no_grad()
def evaluate(model, test, iwae_samples, iwae_limit, batch=100, seed=0):
    model.eval()
    g = torch.Generator().manual_seed(seed)
    elbo = kl = ll = 0.0
    means = []
    for i in range(0, len(test), batch):
        x = test[i:i + batch]
        mu, logvar = model.posterior(x)
        eps = torch.randn(mu.shape, generator=g)
        z = mu + torch.exp(0.5 * logvar) * eps
        l = log_likelihood(model.logits(z), x)
        k = kl_per_example(mu, logvar)
        elbo += (l - k).sum().item()
        kl += k.sum().item()
        ll += l.sum().item()
        means.append(mu)
    n = len(test)
    active = int((torch.cat(means).double().var(0) > 0.01).sum().item())
    result = {"elbo": elbo / n, "kl": kl / n, "expected_log_likelihood": ll / n, "active_units": active}
    if iwae_samples > 0:
        subset = test[:iwae_limit]
        total = elbo_subset = 0.0
        chunk = max(1, min(iwae_samples, 20_000_000 // (batch * subset.shape[1])))
        for i in range(0, len(subset), batch):
            x = subset[i:i + batch]
            b, d = x.shape
            mu, logvar = model.posterior(x)
            sigma = torch.exp(0.5 * logvar)
            logq_const = -0.5 * (logvar.sum(1) + mu.shape[1] * LOG2PI)
            lws, lls = [], []
            for s in range(0, iwae_samples, chunk):
                c = min(chunk, iwae_samples - s)
                eps = torch.randn((c, b, mu.shape[1]), generator=g)
                z = mu + sigma * eps
                l = log_likelihood(model.logits(z.reshape(c * b, -1)), x.unsqueeze(0).expand(c, b, d).reshape(c * b, d)).reshape(c, b)
                logp = -0.5 * (z.pow(2).sum(2) + mu.shape[1] * LOG2PI)
                logq = logq_const - 0.5 * eps.pow(2).sum(2)
                lws.append(l + logp - logq)
                lls.append(l)
            lw = torch.cat(lws).double()
            total += (torch.logsumexp(lw, 0) - math.log(iwae_samples)).sum().item()
            elbo_subset += (torch.cat(lls).mean(0) - kl_per_example(mu, logvar)).sum().item()
        result[f"iwae_k{iwae_samples}"] = total / len(subset)
        result["elbo_on_iwae_subset"] = elbo_subset / len(subset)
        result["iwae_examples"] = len(subset)
    return result


def train_epoch(model, opt, train, perm, batch_size, loss_fn):
    """One epoch over train in the order perm, minimising loss_fn(model, x) with opt; the mean loss per example."""
    model.train()
    total, seen = 0.0, 0
    for i in range(0, len(train), batch_size):
        x = train[perm[i:i + batch_size]]
        loss = loss_fn(model, x)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item() * len(x)
        seen += len(x)
    return total / seen


def elbo_loss(model, x, beta=1.0):
    """Minus the ELBO with the KL weighted beta (beta-VAE; 1 is the VAE), nats per example averaged over the batch."""
    logits, mu, logvar = model(x)
    return (-log_likelihood(logits, x) + beta * kl_per_example(mu, logvar)).mean()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--train", required=True)
    p.add_argument("--test", required=True)
    p.add_argument("--train-limit", type=int)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=100)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--iwae-samples", type=int, default=1000)
    p.add_argument("--iwae-limit", type=int, default=1000)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    train = read_idx_images(a.train, a.train_limit)
    test = read_idx_images(a.test)
    model = VAE()
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    g = torch.Generator().manual_seed(a.seed)
    start = time.time()
    history = []
    for epoch in range(a.epochs):
        perm = torch.randperm(len(train), generator=g)
        history.append(train_epoch(model, opt, train, perm, a.batch_size, elbo_loss))
        print(f"epoch {epoch + 1}/{a.epochs}  loss {history[-1]:.3f}  {time.time() - start:.1f} s", flush=True)
    train_seconds = time.time() - start
    metrics = evaluate(model, test, a.iwae_samples, a.iwae_limit)
    metrics.update({"train_loss": history[-1], "train_seconds": train_seconds, "epochs": a.epochs,
                    "torch": torch.__version__, "train_examples": len(train), "test_examples": len(test)})
    print(json.dumps(metrics))


if __name__ == "__main__":
    main()
