#!/usr/bin/env python3
"""PyTorch peer of recipes/vqvae-mnist.json (and vqvae-codebook-loss-mnist.json): the same dense VQ-VAE trained the same way.

Model: Linear 784-512 ReLU, Linear 512-(M*D) reshaped to M vectors of size D; nearest of K codebook vectors
(Euclidean), straight-through gradient z_e + sg(e - z_e); Linear (M*D)-512 ReLU, Linear 512-784 (Bernoulli logits).
PyTorch's default Linear initialisation; the codebook drawn from U(-1/K, 1/K), as ours.
Loss: binary cross-entropy with logits, mean per pixel, + beta * mean (z_e - sg(e))^2 (+ mean (sg(z_e) - e)^2 with
--codebook loss). EMA codebook (--codebook ema): N <- g N + (1 - g) n, m <- g m + (1 - g) sum z, Laplace-smoothed N,
e = m / N, after the codes are chosen (as AutoEncoders.Models.VectorQuantized.VectorQuantizer).
Data order: torch.randperm(N, generator=torch.Generator().manual_seed(seed)) per epoch, which is what our Trainer
draws (libtorch 2.10 and PyTorch 1.13 give the same permutation for the same seed; checked 2026-12-06).
Adam lr 1e-3, batch 100, one thread.

--nudge multiplies the first layer's initial weights by (1 + 2^-23), one float32 rounding: the run then follows the
plain one to float noise for about an epoch and drifts apart after (argmin flips, then chaos), so the spread of its
results around the plain run's says how far two implementations that agree to rounding can land apart.

Usage: /usr/bin/python3 bench/generative/peer_vqvae.py --train IMAGES.gz --test IMAGES.gz --epochs 10 [--codebook ema|loss] [--nudge]
Prints one JSON object on the last line: test bce_per_value, squared_error_per_sample, codebook perplexity and used
fraction (whole test set), process CPU seconds.
"""
import argparse
import json
import math
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vae_peer import read_idx_images  # noqa: E402


class VQVAE(nn.Module):
    def __init__(self, hidden=512, m=16, d=16, k=64, beta=0.25, codebook="ema", decay=0.99, eps=1e-5):
        super().__init__()
        self.m, self.d, self.k, self.beta, self.codebook, self.decay, self.eps = m, d, k, beta, codebook, decay, eps
        self.enc1 = nn.Linear(784, hidden)
        self.enc2 = nn.Linear(hidden, m * d)
        self.dec1 = nn.Linear(m * d, hidden)
        self.dec2 = nn.Linear(hidden, 784)
        init = torch.empty(k, d).uniform_(-1.0 / k, 1.0 / k)
        self.embedding = nn.Parameter(init.clone(), requires_grad=(codebook == "loss"))
        self.register_buffer("cluster_size", torch.zeros(k))
        self.register_buffer("embedding_sum", init.clone())

    def encode(self, x):
        return self.enc2(F.relu(self.enc1(x))).reshape(x.shape[0], self.m, self.d)

    def nearest(self, z):
        with torch.no_grad():
            flat = z.detach().reshape(-1, self.d)
            dist = flat.pow(2).sum(1, keepdim=True) - 2 * flat @ self.embedding.t() + self.embedding.pow(2).sum(1)[None]
            return dist.argmin(1).reshape(z.shape[:-1])

    def decode_logits(self, q):
        return self.dec2(F.relu(self.dec1(q.reshape(q.shape[0], -1))))

    def forward(self, x):
        z = self.encode(x)
        idx = self.nearest(z)
        codes = self.embedding[idx.reshape(-1)].reshape(z.shape)
        commitment = self.beta * F.mse_loss(z, codes.detach())
        codebook = F.mse_loss(codes, z.detach()) if self.codebook == "loss" else torch.zeros(())
        q = z + (codes - z).detach()
        one_hot = F.one_hot(idx.reshape(-1), self.k).float()
        counts = one_hot.sum(0)
        p = counts / counts.sum()
        perplexity = torch.exp(-(p * torch.log(p + 1e-10)).sum())
        if self.training and self.codebook == "ema":
            with torch.no_grad():
                self.cluster_size.mul_(self.decay).add_(counts, alpha=1 - self.decay)
                self.embedding_sum.mul_(self.decay).add_(one_hot.t() @ z.detach().reshape(-1, self.d), alpha=1 - self.decay)
                n = self.cluster_size.sum()
                smoothed = (self.cluster_size + self.eps) / (n + self.k * self.eps) * n
                self.embedding.copy_(self.embedding_sum / smoothed[:, None])
        return self.decode_logits(q), commitment, codebook, perplexity


@torch.no_grad()
def evaluate(model, test, batch=1000):
    model.eval()
    bce = sq = 0.0
    counts = torch.zeros(model.k, dtype=torch.float64)
    for i in range(0, len(test), batch):
        x = test[i:i + batch]
        idx = model.nearest(model.encode(x))
        counts += torch.bincount(idx.reshape(-1), minlength=model.k).double()
        logits = model.decode_logits(model.embedding[idx.reshape(-1)].reshape(x.shape[0], model.m, model.d))
        bce += F.binary_cross_entropy_with_logits(logits, x, reduction="sum").item()
        sq += (torch.sigmoid(logits) - x).pow(2).sum().item()
    n = len(test)
    p = counts / counts.sum()
    return {"bce_per_value": bce / (n * 784), "squared_error_per_sample": sq / n,
            "codebook_perplexity": math.exp(-(p * torch.log(p + 1e-12)).sum().item()),
            "codebook_used_fraction": (counts > 0).double().mean().item()}


def train_epochs(model, train, epochs, batch_size, lr, seed):
    """Adam on BCE-with-logits + commitment (+ codebook) loss, a seeded randperm per epoch; the mean loss per epoch."""
    opt = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    g = torch.Generator().manual_seed(seed)
    wall0 = time.time()
    epoch_losses = []
    for epoch in range(epochs):
        model.train()
        perm = torch.randperm(len(train), generator=g)
        total = ppl = 0.0
        for i in range(0, len(train), batch_size):
            x = train[perm[i:i + batch_size]]
            logits, commitment, codebook, perplexity = model(x)
            loss = F.binary_cross_entropy_with_logits(logits, x) + commitment + codebook
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(x)
            ppl += perplexity.item() * len(x)
        epoch_losses.append(total / len(train))
        print(f"epoch {epoch + 1}/{epochs}  loss {total / len(train):.5f}  perplexity {ppl / len(train):.2f}  {time.time() - wall0:.1f} s", flush=True)
    return epoch_losses


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--train", required=True)
    a.add_argument("--test", required=True)
    a.add_argument("--epochs", type=int, default=10)
    a.add_argument("--batch-size", type=int, default=100)
    a.add_argument("--lr", type=float, default=1e-3)
    a.add_argument("--seed", type=int, default=1)
    a.add_argument("--codebook", choices=["ema", "loss"], default="ema")
    # Smaller models and data slices, for tests/AutoEncoders.Tests/Models/VectorQuantized/VectorQuantizedPeerTests.cs.
    a.add_argument("--hidden", type=int, default=512)
    a.add_argument("--code-vectors", type=int, default=16)
    a.add_argument("--embedding-size", type=int, default=16)
    a.add_argument("--codebook-size", type=int, default=64)
    a.add_argument("--train-limit", type=int)
    a.add_argument("--test-limit", type=int)
    # The chaos null: the same run with the first layer's initial weights nudged by one float32 rounding
    # (x (1 + 2^-23)); how far its result lands from the plain run's is how far float noise alone moves a result.
    a.add_argument("--nudge", action="store_true")
    a = a.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    train, test = read_idx_images(a.train, a.train_limit), read_idx_images(a.test, a.test_limit)
    model = VQVAE(hidden=a.hidden, m=a.code_vectors, d=a.embedding_size, k=a.codebook_size, codebook=a.codebook)
    if a.nudge:
        with torch.no_grad():
            model.enc1.weight.mul_(1 + 2.0 ** -23)
    cpu0 = time.process_time()
    epoch_losses = train_epochs(model, train, a.epochs, a.batch_size, a.lr, a.seed)
    result = evaluate(model, test)
    result.update({"train_cpu_seconds": time.process_time() - cpu0, "epochs": a.epochs, "train_examples": len(train),
                   "codebook": a.codebook, "torch": torch.__version__, "epoch_losses": epoch_losses, "nudged": a.nudge})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
