#!/usr/bin/python3
"""Float32 conv2d gradients against float64, for the shapes that went wrong with libtorch 2.10's oneDNN 3.7.1.

Self-contained (PyTorch only) for an upstream report: PyTorch 2.6 to 2.10 ship oneDNN 3.7.x; Debian's 1.13 ships 2.6.3.
Run it once per instruction-set cap, e.g.
    for isa in ALL AVX512_CORE AVX2 AVX; do ONEDNN_MAX_CPU_ISA=$isa python3 conv_grad.py; done
and with ONEDNN_VERBOSE=1 to see the primitive and memory formats oneDNN picks. Exit code 1 if any error > 1e-4.
"""
import os
import sys

import torch
import torch.nn.functional as F

torch.set_num_threads(int(os.environ.get("AE_THREADS", "1")))
SHAPES = [(16, 8, 14), (16, 1, 28), (8, 8, 7), (1, 16, 28), (8, 16, 14)]  # (in, out, size): the Keras model's layers
bad = False
print(f"torch {torch.__version__}, ONEDNN_MAX_CPU_ISA={os.environ.get('ONEDNN_MAX_CPU_ISA', '(unset)')}, threads {torch.get_num_threads()}")
for memory_format in (torch.contiguous_format, torch.channels_last):
    for ci, co, s in SHAPES:
        g = torch.Generator().manual_seed(1)
        x = torch.rand(64, ci, s, s, generator=g)
        w = torch.randn(co, ci, 3, 3, generator=g) * 0.1
        dy = torch.randn(64, co, s, s, generator=g)
        worst = [0.0, 0.0]
        for _ in range(3):
            x32 = x.clone().to(memory_format=memory_format).requires_grad_()
            w32 = w.clone().to(memory_format=memory_format).requires_grad_()
            F.conv2d(x32, w32, padding=1).backward(dy.to(memory_format=memory_format))
            x64, w64 = x.double().requires_grad_(), w.double().requires_grad_()
            F.conv2d(x64, w64, padding=1).backward(dy.double())
            for i, (a, b) in enumerate(((x32.grad, x64.grad), (w32.grad, w64.grad))):
                e = ((a.double() - b).abs().max() / b.abs().max()).nan_to_num(1e30).item()
                worst[i] = max(worst[i], e)
        flag = "WRONG" if max(worst) > 1e-4 else "ok"
        bad |= flag == "WRONG"
        fmt = "channels_last" if memory_format is torch.channels_last else "contiguous"
        print(f"  {ci:2d}->{co:2d} channels at {s:2d}x{s:<2d} {fmt:13s} input grad rel. error {worst[0]:.2e}, weight grad {worst[1]:.2e}  {flag}")
sys.exit(1 if bad else 0)
