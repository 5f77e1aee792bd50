#!/usr/bin/env python3
"""PyTorch CPU peer for `bnnsr bench train`: the same MSRResNet training iteration (forward, L1, backward, Adam)
on random batches, median seconds per iteration after warm-up. Prints one JSON line.

Run by `bnnsr bench train --torch /usr/bin/python3` (Debian's python3-torch); the Maven build never runs it.
The model is the one of bnnsr-core/src/test/python/make_msrresnet_golden.py (BasicSR's MSRResNet layout).
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'test', 'python'))
from make_msrresnet_golden import MSRResNet  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument('--scale', type=int, default=4)
ap.add_argument('--nf', type=int, default=64)
ap.add_argument('--nb', type=int, default=16)
ap.add_argument('--batch', type=int, default=16)
ap.add_argument('--patch', type=int, default=48)
ap.add_argument('--threads', type=int, default=2)
ap.add_argument('--warmup', type=int, default=2)
ap.add_argument('--iters', type=int, default=5)
a = ap.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(0)
net = MSRResNet(num_in_ch=3, num_out_ch=3, num_feat=a.nf, num_block=a.nb, upscale=a.scale)
opt = torch.optim.Adam(net.parameters(), lr=1e-4, betas=(0.9, 0.99))
x = torch.rand(a.batch, 3, a.patch, a.patch)
y = torch.rand(a.batch, 3, a.patch * a.scale, a.patch * a.scale)
loss_fn = torch.nn.L1Loss()


def step():
    opt.zero_grad()
    loss = loss_fn(net(x), y)
    loss.backward()
    opt.step()


for _ in range(a.warmup):
    step()
times = []
for _ in range(a.iters):
    t0 = time.perf_counter()
    step()
    times.append(time.perf_counter() - t0)
times.sort()
print(json.dumps({"peer": "pytorch " + torch.__version__, "threads": a.threads,
                  "iters_per_s": 1.0 / times[len(times) // 2]}))
