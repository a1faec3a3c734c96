#!/usr/bin/env python3
"""Our VQ-VAE against the PyTorch peer step for step: the peer (peer_vqvae.py) trains from the same seed, data slice
and order for the same epochs, and each of its tensors is compared with ours (exported by `ae weights export`);
our trained weights are then evaluated by the peer's evaluation, beside the figure our metrics.json reports.

Usage: /usr/bin/python3 bench/generative/vqvae_agreement.py --ours WEIGHTS.safetensors --metrics METRICS.json
           --train IMAGES.gz --test IMAGES.gz --epochs E [--train-limit N] [--seed S] [--codebook ema|loss]
Prints one JSON object: the largest relative difference max|ours - peer| / max|peer| over the weights, per tensor,
whether the code counts (cluster_size) are identical, both models' test BCE in the peer's evaluation and ours.
"""
import argparse
import json
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "AutoEncoders.Tests", "Interop", "PyTorch"))
from dense_peer import read_safetensors  # noqa: E402
from peer_vqvae import VQVAE, evaluate, train_epochs  # noqa: E402
from vae_peer import read_idx_images  # noqa: E402

NAMES = {"encoder.0": "enc1", "encoder.1": "enc2", "decoder.0": "dec1", "decoder.1": "dec2", "quantizer.": ""}


def peer_name(name):
    for ours, peer in NAMES.items():
        if name.startswith(ours):
            return peer + name[len(ours):]
    return name


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--ours", required=True)
    a.add_argument("--metrics", required=True)
    a.add_argument("--train", required=True)
    a.add_argument("--test", required=True)
    a.add_argument("--epochs", type=int, required=True)
    a.add_argument("--train-limit", type=int)
    a.add_argument("--seed", type=int, default=1)
    a.add_argument("--codebook", choices=["ema", "loss"], default="ema")
    a = a.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    train, test = read_idx_images(a.train, a.train_limit), read_idx_images(a.test)
    peer = VQVAE(codebook=a.codebook)
    train_epochs(peer, train, a.epochs, 100, 1e-3, a.seed)
    tensors, _ = read_safetensors(a.ours)
    ours = {peer_name(k): v for k, v in tensors.items() if k != "quantizer.position_counts"}
    state = peer.state_dict()
    relative = {k: ((state[k] - v).abs().max() / state[k].abs().max().clamp_min(1e-30)).item() for k, v in ours.items()}
    result = {"steps": a.epochs * ((len(train) + 99) // 100), "max_relative_difference": max(relative.values()),
              "per_tensor": relative, "same_code_counts": bool(torch.equal(state["cluster_size"], ours["cluster_size"]))}
    result["peer_test_bce"] = evaluate(peer, test)["bce_per_value"]
    peer.load_state_dict(ours)
    result["our_weights_test_bce_peer_evaluation"] = evaluate(peer, test)["bce_per_value"]
    result["our_weights_test_bce_our_evaluation"] = json.load(open(a.metrics))["bce_per_value"]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
