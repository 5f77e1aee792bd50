#!/usr/bin/env python3
"""Golden vectors for bnnsr.nn layers, computed by PyTorch (forward and backward).

Run with Debian's python (torch 1.13):
    /usr/bin/python3 src/test/python/make_layer_golden.py src/test/resources/golden/layers.json

All activation tensors are written NHWC (bnnsr's layout); parameters in PyTorch's own layout (conv OIHW).
Each case: inputs, parameters, a random upstream gradient r, PyTorch's output y, dL/dx and dL/dparams for
L = sum(y * r).
"""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(1234)


def nhwc(t):
    return t.detach().permute(0, 2, 3, 1).contiguous()


def enc(t):
    t = t.detach().float()
    return {"shape": list(t.shape), "data": [float("%.9g" % v) for v in t.flatten().tolist()]}


def run_case(module, x, train=True, extra=None):
    module.train(train)
    x = x.clone().requires_grad_(True)
    y = module(x)
    r = torch.rand_like(y) * 2 - 1
    (y * r).sum().backward()
    case = {"x": enc(nhwc(x)), "y": enc(nhwc(y)), "r": enc(nhwc(r)), "dx": enc(nhwc(x.grad)), "params": {}, "grads": {}}
    for name, p in module.named_parameters():
        case["params"][name] = enc(p)
        case["grads"][name] = enc(p.grad)
    for name, b in module.named_buffers():
        case.setdefault("buffers", {})[name] = enc(b)
    if extra:
        case.update(extra)
    return case


class Fn(nn.Module):
    def __init__(self, f):
        super().__init__()
        self.f = f

    def forward(self, x):
        return self.f(x)


cases = {}
x = torch.rand(2, 4, 3, 5) * 2 - 1  # NCHW: n=2, c=4, h=3, w=5

conv3 = nn.Conv2d(4, 6, 3, 1, 1, bias=True)
cases["conv3x3"] = run_case(conv3, x)
conv1 = nn.Conv2d(4, 5, 1, 1, 0, bias=False)
cases["conv1x1_nobias"] = run_case(conv1, x)
conv5 = nn.Conv2d(4, 3, 5, 1, 2, bias=True)
cases["conv5x5"] = run_case(conv5, x)

cases["relu"] = run_case(nn.ReLU(), x)
cases["leaky_relu_0.1"] = run_case(nn.LeakyReLU(0.1), x)
prelu = nn.PReLU(4)
with torch.no_grad():
    prelu.weight.copy_(torch.tensor([0.25, -0.3, 0.1, 0.7]))
cases["prelu"] = run_case(prelu, x)

xb = x * torch.tensor([1.0, 2.0, 0.5, 3.0]).view(1, 4, 1, 1) + torch.tensor([0.0, 1.0, -2.0, 0.5]).view(1, 4, 1, 1)


def make_bn():
    bn = nn.BatchNorm2d(4)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([1.0, 0.5, 2.0, -1.0]))
        bn.bias.copy_(torch.tensor([0.0, 0.1, -0.2, 0.3]))
        bn.running_mean.copy_(torch.tensor([0.1, -0.2, 0.3, 0.0]))
        bn.running_var.copy_(torch.tensor([1.0, 2.0, 0.5, 1.5]))
    return bn


bn = make_bn()
before = {"running_mean": enc(bn.running_mean.clone()), "running_var": enc(bn.running_var.clone())}
cases["batchnorm_train"] = run_case(bn, xb, True, {"buffers_before": before})
bn2 = make_bn()
cases["batchnorm_eval"] = run_case(bn2, xb, False)

cases["pixel_shuffle_2"] = run_case(nn.PixelShuffle(2), torch.rand(2, 8, 3, 5) * 2 - 1)
cases["pixel_shuffle_3"] = run_case(nn.PixelShuffle(3), torch.rand(1, 18, 2, 3) * 2 - 1)
for s in (2, 3, 4):
    cases["bilinear_%d" % s] = run_case(
        Fn(lambda t, s=s: F.interpolate(t, scale_factor=s, mode="bilinear", align_corners=False)),
        torch.rand(2, 3, 3, 5))

pred = torch.rand(2, 3, 4, 5)
target = torch.rand(2, 3, 4, 5)
target[0, 0, 0, 0] = pred[0, 0, 0, 0]  # sign(0) = 0 in L1's gradient
for name, fn in (("l1", F.l1_loss), ("mse", F.mse_loss)):
    p = pred.clone().requires_grad_(True)
    loss = fn(p, target)
    loss.backward()
    cases["loss_" + name] = {"pred": enc(nhwc(pred)), "target": enc(nhwc(target)), "loss": float(loss.double()),
                             "grad": enc(nhwc(p.grad))}

with open(sys.argv[1], "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
