"""PyTorch peer of the dense autoencoder, for the safetensors round-trip tests (Debian's python3-torch 1.13).

  dense_peer.py check WEIGHTS BATCH          load weights written by `ae weights export` into the equivalent
                                             torch.nn.Sequential; print the largest differences from BATCH's
                                             "code" and "reconstruction" (computed by TorchSharp) as JSON
  dense_peer.py train CONFIG_JSON MNIST_GZ WEIGHTS BATCH
                                             train that architecture in PyTorch for a few steps on MNIST digits;
                                             write its weights (names as `ae` expects) and a batch with its outputs

The safetensors reader and writer are the dozen lines below: torch 1.13 on Debian has no safetensors package.
"""
import gzip
import json
import struct
import sys
from collections import OrderedDict

import numpy as np
import torch
from torch import nn

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    tensors = OrderedDict()
    for name, t in header.items():
        begin, end = t["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=DTYPES[t["dtype"]]).reshape(t["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors, metadata


def write_safetensors(path, tensors, metadata=None):
    names = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64", np.dtype(np.int64): "I64"}
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        a = t.detach().cpu().contiguous().numpy()
        header[name] = {"dtype": names[a.dtype], "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        blobs.append(a.tobytes())
        offset += a.nbytes
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


ACTIVATIONS = {
    "linear": nn.Identity, "relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
    "leaky_relu": lambda: nn.LeakyReLU(0.01), "elu": nn.ELU,
}


def activations(config, sizes, per_layer, last, default_last):
    count = len(sizes) - 1
    if config.get(per_layer):
        return config[per_layer]
    hidden = config.get("activation", "relu")
    return [hidden] * (count - 1) + [config.get(last, default_last)]


def stack(sizes, acts, batch_norm):
    """Linear, [BatchNorm1d,] activation per layer; batch norm after hidden layers only, as in `ae`."""
    layers = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers.append(nn.Linear(a, b))
        if batch_norm and i < len(sizes) - 2:
            layers.append(nn.BatchNorm1d(b))
        layers.append(ACTIVATIONS[acts[i]]())
    return nn.Sequential(*layers)


def dense_sequential(config):
    """The torch.nn equivalent of `ae`'s dense model (untied weights; dropout and code noise act only in training)."""
    encoder = config["layers"]
    decoder = config.get("decoderLayers") or encoder[::-1]
    norm = bool(config.get("batchNorm", False))
    return nn.Sequential(OrderedDict(
        encoder=stack(encoder, activations(config, encoder, "encoderActivations", "codeActivation", "linear"), norm),
        decoder=stack(decoder, activations(config, decoder, "decoderActivations", "outputActivation", "sigmoid"), norm)))


def stride(config):
    return 3 if config.get("batchNorm", False) else 2


def to_torch(name, config):
    """`ae` name -> Sequential name: encoder.{i}.weight -> encoder.{s*i}.weight, encoder_norm.{i}.X -> encoder.{s*i+1}.X."""
    part, index, rest = name.split(".", 2)
    s = stride(config)
    if part.endswith("_norm"):
        return f"{part[:-5]}.{s * int(index) + 1}.{rest}"
    return f"{part}.{s * int(index)}.{rest}"


def from_torch(name, config):
    part, index, rest = name.split(".", 2)
    s = stride(config)
    i, offset = divmod(int(index), s)
    return f"{part}_norm.{i}.{rest}" if offset == 1 else f"{part}.{i}.{rest}"


def check(weights_path, batch_path):
    tensors, metadata = read_safetensors(weights_path)
    config = json.loads(metadata["ae.config"])
    model = dense_sequential(config)
    model.load_state_dict(OrderedDict((to_torch(k, config), v) for k, v in tensors.items()), strict=True)
    model.eval()
    batch, _ = read_safetensors(batch_path)
    with torch.no_grad():
        code = model.encoder(batch["input"])
        reconstruction = model.decoder(code)
    print(json.dumps({
        "code": (code - batch["code"]).abs().max().item(),
        "reconstruction": (reconstruction - batch["reconstruction"]).abs().max().item(),
        "code_scale": batch["code"].abs().max().item(),
    }))


def mnist(path, count):
    with gzip.open(path, "rb") as f:
        data = f.read()
    images = np.frombuffer(data, dtype=np.uint8, offset=16)[: count * 784]
    return torch.from_numpy(images.reshape(count, 784).astype(np.float32) / 255.0)


def train(config_json, mnist_path, weights_path, batch_path):
    config = json.loads(config_json)
    torch.manual_seed(7)
    model = dense_sequential(config)
    x = mnist(mnist_path, 512)
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    losses = []
    for step in range(30):
        batch = x[(step % 4) * 128:(step % 4 + 1) * 128]
        loss = nn.functional.mse_loss(model(batch), batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    model.eval()
    probe = x[:256]
    with torch.no_grad():
        code = model.encoder(probe)
        reconstruction = model.decoder(code)
    write_safetensors(weights_path, OrderedDict((from_torch(k, config), v) for k, v in model.state_dict().items()))
    write_safetensors(batch_path, OrderedDict(input=probe, code=code, reconstruction=reconstruction))
    print(json.dumps({"first_loss": losses[0], "last_loss": losses[-1]}))


if __name__ == "__main__":
    {"check": check, "train": train}[sys.argv[1]](*sys.argv[2:])
