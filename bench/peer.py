#!/usr/bin/python3
"""PyTorch peer of ae-bench: the same models, losses, optimiser, batch sizes and threads, timed the same way.

Prints one JSON object. Usage: peer.py RECIPES_DIR  (threads from AE_THREADS, default 1).
"""
import gzip, json, os, re, statistics, struct, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

THREADS = int(os.environ.get("AE_THREADS", "1"))
torch.set_num_threads(THREADS)
torch.manual_seed(1)
FASHION = "/usr/share/datasets/fashion-mnist"


def load_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_recipe(path):
    text = open(path).read()
    if path.endswith(".yaml"):
        import yaml  # noqa: only for the contractive recipe
        return yaml.safe_load(text)
    return json.loads(re.sub(r"^\s*//.*$", "", text, flags=re.M))


ACT = {"relu": F.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "linear": lambda z: z, "elu": F.elu,
       "leaky_relu": lambda z: F.leaky_relu(z, 0.01)}


class Dense(nn.Module):
    """The project's dense autoencoder: symmetric layers, hidden/code/output activations, logits kept."""

    def __init__(self, m):
        super().__init__()
        layers = m["layers"]
        self.hidden = m.get("activation", "relu")
        self.code = m.get("codeActivation", "linear")
        self.out = m.get("outputActivation", "sigmoid")
        self.enc = nn.ModuleList(nn.Linear(a, b) for a, b in zip(layers, layers[1:]))
        rev = layers[::-1]
        self.dec = nn.ModuleList(nn.Linear(a, b) for a, b in zip(rev, rev[1:]))

    def forward(self, x):
        h = x
        zs = []
        for i, l in enumerate(self.enc):
            z = l(h)
            h = ACT[self.code if i == len(self.enc) - 1 else self.hidden](z)
            zs.append((z, h))
        code = h
        for i, l in enumerate(self.dec):
            z = l(h)
            h = ACT[self.out if i == len(self.dec) - 1 else self.hidden](z)
        return h, z, code, zs


class ConvKeras(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(1, 16, 3, padding=1), nn.Conv2d(16, 8, 3, padding=1)
        self.c3, self.c4, self.c5 = nn.Conv2d(8, 8, 3, padding=1), nn.Conv2d(8, 16, 3, padding=1), nn.Conv2d(16, 1, 3, padding=1)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.c1(x)), 2)
        code = F.max_pool2d(F.relu(self.c2(h)), 2)
        h = F.interpolate(F.relu(self.c3(code)), scale_factor=2, mode="nearest")
        h = F.interpolate(F.relu(self.c4(h)), scale_factor=2, mode="nearest")
        z = self.c5(h)
        return torch.sigmoid(z), z, code, []


class Lstm(nn.Module):
    """Encoder LSTM's last hidden state repeated over the steps, decoder LSTM, reversed, per-step linear."""

    def __init__(self, steps=140, hidden=64):
        super().__init__()
        self.steps = steps
        self.enc = nn.LSTM(1, hidden, batch_first=True)
        self.dec = nn.LSTM(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        _, (h, _) = self.enc(x)
        code = h[-1]
        y, _ = self.dec(code.unsqueeze(1).expand(-1, self.steps, -1))
        z = self.out(y.flip(1))
        return z, z, code, []


class Vae(nn.Module):
    """The project's VAE (kind vae): hidden ReLU layers, mean and log-variance heads, z = mu + exp(logvar / 2) * eps,
    mirrored decoder ending in Bernoulli logits (as bench/vae_peer.py and PyTorch's examples/vae)."""

    def __init__(self, m):
        super().__init__()
        layers = m["layers"]
        self.enc = nn.ModuleList(nn.Linear(a, b) for a, b in zip(layers[:-2], layers[1:-1]))
        self.mean = nn.Linear(layers[-2], layers[-1])
        self.logvar = nn.Linear(layers[-2], layers[-1])
        rev = layers[::-1]
        self.dec = nn.ModuleList(nn.Linear(a, b) for a, b in zip(rev, rev[1:]))

    def forward(self, x):
        h = x
        for l in self.enc:
            h = F.relu(l(h))
        mu, logvar = self.mean(h), self.logvar(h)
        h = mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
        for i, l in enumerate(self.dec):
            z = l(h)
            h = F.relu(z) if i < len(self.dec) - 1 else z
        return torch.sigmoid(z), z, mu, (mu, logvar)


def vae_objective(model, x):
    """Negative ELBO in nats per example: BCE with logits summed over pixels + closed-form KL, batch mean."""
    _, logits, _, (mu, logvar) = model(x)
    nll = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1).mean()
    kl = (0.5 * (mu.pow(2) + logvar.exp() - logvar - 1)).sum(1).mean()
    return nll + kl, [nll, kl]


def objective(recipe):
    o = recipe.get("objective", {})
    rec = o.get("reconstruction", {"kind": "mse"})
    per_example = rec.get("reduction") == "sum_per_example"
    penalties = o.get("penalties", [])
    corruption = o.get("corruption")
    state = {"rho": None}

    def loss(model, x):
        target = x
        inp = x
        if corruption and corruption["kind"] == "gaussian":
            inp = (x + corruption["factor"] * torch.randn_like(x)).clamp(0, 1)
        out, logits, code, zs = model(inp)
        if rec["kind"] == "bce":
            e = F.binary_cross_entropy_with_logits(logits, target, reduction="none")
        else:
            e = (out - target) ** 2
        total = e.reshape(e.shape[0], -1).sum(1).mean() if per_example else e.mean()
        terms = [total]
        for p in penalties:
            w = p.get("weight", 1.0)
            if p["kind"] == "l1_activity":
                t = code.abs().reshape(code.shape[0], -1).sum(1).mean()
            elif p["kind"] == "kl_sparsity":
                rho, lam = p.get("target", 0.05), p.get("runningMean", 0.0)
                batch_mean = code.mean(0)
                rho_hat = batch_mean if state["rho"] is None or lam == 0 else lam * state["rho"] + (1 - lam) * batch_mean
                state["rho"] = rho_hat.detach()
                q = rho_hat.clamp(1e-6, 1 - 1e-6)
                t = (rho * (np.log(rho) - q.log()) + (1 - rho) * (np.log(1 - rho) - (1 - q).log())).sum()
            elif p["kind"] == "contractive":
                W = model.enc[0].weight
                t = ((code * (1 - code)) ** 2 @ (W ** 2).sum(1)).mean()
            else:
                raise SystemExit("peer: unknown penalty " + p["kind"])
            terms.append(w * t)
            total = total + w * t
        return total, terms

    return loss


def throughput(model, loss, data, batch, lr, warmup, windows, window):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    steps = warmup + windows * window
    order = torch.randperm(data.shape[0])
    stamps, cpu = [], []
    t0 = time.perf_counter()
    for s in range(steps):
        x = data.index_select(0, order[s * batch:(s + 1) * batch])
        opt.zero_grad()
        total, terms = loss(model, x)
        vals = torch.stack([total.detach()] + [t.detach() for t in terms]).double().tolist()  # one read per step, as ours
        if not np.isfinite(vals[0]):
            raise SystemExit("peer: non-finite loss")
        total.backward()
        opt.step()
        stamps.append(time.perf_counter() - t0)
        cpu.append(time.thread_time())

    def rate(st):
        return statistics.median(window * batch / (st[warmup + w * window - 1 + window] - st[warmup + w * window - 1])
                                 for w in range(windows))
    return rate(stamps), rate(cpu), 1000 * min(cpu[i] - cpu[i - 1] for i in range(warmup, steps))


def split(model, loss, data, batch, warmup=3, steps=12):
    """Milliseconds of the training thread's CPU time per phase (time.thread_time(), as ae-bench's ThreadClock)."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    order = torch.randperm(data.shape[0])
    phases = {k: [] for k in ["data", "zero_grad", "forward", "metrics", "backward", "optimizer"]}
    for s in range(warmup + steps):
        t = [time.thread_time()]
        x = data.index_select(0, order[s * batch:(s + 1) * batch]); t.append(time.thread_time())
        opt.zero_grad(); t.append(time.thread_time())
        total, terms = loss(model, x); t.append(time.thread_time())
        torch.stack([total.detach()] + [u.detach() for u in terms]).double().tolist(); t.append(time.thread_time())
        total.backward(); t.append(time.thread_time())
        opt.step(); t.append(time.thread_time())
        if s >= warmup:
            for i, k in enumerate(phases):
                phases[k].append((t[i + 1] - t[i]) * 1000)
    return {k: statistics.median(v) for k, v in phases.items()}


def train_entry(recipes, name, flat, square):
    torch.manual_seed(1)
    if name == "lstm-140x1-64":
        tt = torch.linspace(0, 20, 140).unsqueeze(0)
        series = (tt + torch.rand(2048, 1) * 6.28).sin().unsqueeze(-1)

        def mse(m, x):
            e = ((m(x)[0] - x) ** 2).mean()
            return e, [e]
        rate, cpu, best = throughput(Lstm(), mse, series, 64, 1e-3, 3, 5, 3)
        print(f"peer {name}: {rate:.0f} samples/s ({cpu:.0f} per CPU second)", file=sys.stderr)
        return {"batch": 64, "samples_per_s": rate, "cpu_samples_per_s": cpu, "best_step_cpu_ms": best}
    path = os.path.join(recipes, name + ".json")
    if not os.path.exists(path):
        path = os.path.join(recipes, name + ".yaml")
    recipe = load_recipe(path)
    kind = recipe["model"]["kind"]
    conv = kind == "convolutional"
    model = ConvKeras() if conv else Vae(recipe["model"]) if kind == "vae" else Dense(recipe["model"])
    t = dict(recipe["training"])
    if name.startswith("hinton"):
        t["batchSize"] = 256  # the bench's reference batch for the hinton models (ae-bench's AtBenchBatch)
    big = name.startswith("hinton") or conv
    rate, cpu, best = throughput(model, vae_objective if kind == "vae" else objective(recipe), square if conv else flat,
                           t["batchSize"], t["optimizer"]["learningRate"], 3, 5, 3 if big else 10)
    print(f"peer {name}: {rate:.0f} samples/s ({cpu:.0f} per CPU second, best step {best:.2f} CPU ms)", file=sys.stderr)
    return {"batch": t["batchSize"], "samples_per_s": rate, "cpu_samples_per_s": cpu, "best_step_cpu_ms": best}


def main():
    recipes = sys.argv[1]
    images = torch.from_numpy(load_idx(f"{FASHION}/train-images-idx3-ubyte.gz").astype(np.float32) / 255.0)
    flat = images.reshape(images.shape[0], -1).contiguous()
    square = images.reshape(-1, 1, 28, 28).contiguous()
    result = {"threads": torch.get_num_threads(), "torch": torch.__version__, "numpy": np.__version__}
    if len(sys.argv) > 3 and sys.argv[2] == "train":
        result.update(name=sys.argv[3], entry=train_entry(recipes, sys.argv[3], flat, square))
        print(json.dumps(result))
        return

    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    a @ b
    rates = []
    for _ in range(5):
        t = time.perf_counter(); a @ b; rates.append(2 * 2048 ** 3 / (time.perf_counter() - t) / 1e9)
    result["matmul_gflops"] = max(rates)
    rates = []
    for _ in range(5):
        t = time.thread_time(); a @ b; rates.append(2 * 2048 ** 3 / (time.thread_time() - t) / 1e9)
    result["matmul_gflops_cpu"] = max(rates)
    print(f"peer matmul {result['matmul_gflops']:.1f} GFLOP/s", file=sys.stderr)

    hinton = load_recipe(os.path.join(recipes, "hinton-784-1000-500-250-30.json"))
    torch.manual_seed(1)
    result["split"] = {"torch_adam": split(Dense(hinton["model"]), objective(hinton), flat, 256)}

    test = torch.from_numpy(load_idx(f"{FASHION}/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255.0).reshape(-1, 784)
    model = Dense(hinton["model"]).eval()

    def encode():
        with torch.inference_mode():
            h = test
            for i, l in enumerate(model.enc):
                h = ACT[model.code if i == len(model.enc) - 1 else model.hidden](l(h))
            return h
    encode()
    rates, cpu_rates = [], []
    for _ in range(5):
        t, c = time.perf_counter(), time.thread_time()
        encode()
        cpu_rates.append(test.shape[0] / (time.thread_time() - c))
        rates.append(test.shape[0] / (time.perf_counter() - t))
    result["encode_images_per_s"] = statistics.median(rates)
    result["encode_images_per_s_cpu"] = statistics.median(cpu_rates)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
