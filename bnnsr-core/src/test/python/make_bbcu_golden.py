#!/usr/bin/env python3
"""PyTorch parity fixtures for bnnsr's BBCU architectures (`srresnet-bbcu` = BBCU-L, `bbcu-m` = BBCU-M), and the
reverse check. The PyTorch modules below have bnnsr's structure, names and layouts; the binarizer is ReActNet's /
BBCU's (Sign(x + b) with Bi-Real's ApproxSign gradient, HardBinaryConv's detached per-channel mean|W| scale and
clipped weight gradient), with Sign(0) = +1 as in bnnsr (torch.sign(0) would be 0).

Needs Debian's python (torch 1.13, numpy, PIL); the Maven build never runs it.

1. Make the fixtures (PyTorch -> bnnsr), committed under bnnsr-core/src/test/resources/golden/:
       /usr/bin/python3 bnnsr-core/src/test/python/make_bbcu_golden.py make bnnsr-core/src/test/resources/golden
   For both architectures at scales 2, 3, 4 (nf=8, nb=2, k=130, a 17x13 crop of Set5 butterfly):
   {arch}_x{s}.safetensors is the state dict (plain, no bnnsr metadata), {arch}_x{s}_io.safetensors the input crop
   and PyTorch's eval output (NHWC), {arch}_x{s}_state.txt the state dict's names, dtypes and shapes in order.
   Weights are drawn so that the binary path matters (latent binary weights large, so mean|W| is too) and the
   draw is repeated until every sign input x + b is at least MARGIN away from 0 (float rounding differences
   between PyTorch's and bnnsr's convs must not flip a sign). bnnsr.arch.BbcuParityTest compares.

2. The reverse check (bnnsr -> PyTorch), by hand: a bnnsr model or checkpoint of either architecture loads into
   these modules with load_state_dict(strict=True) (checkpoints: the model tensors only) and runs:
       /usr/bin/python3 bnnsr-core/src/test/python/make_bbcu_golden.py check run/model_latest.safetensors [--lr LR.png --bnnsr-output SR.png]
   prints that strict loading worked; with --lr PNG --bnnsr-output PNG (bnnsr upscale's output for that LR image)
   PyTorch's output, clamped and rounded to 8 bits, is compared with bnnsr's (at most 1 level apart).
"""
import argparse
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_msrresnet_golden import DTYPES, load_crop, nchw, nhwc, read_safetensors, write_safetensors  # noqa: E402

MARGIN = 0.01


def sign(x):
    return torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x))


class ApproxSign(nn.Module):
    """Sign forward; Bi-Real's piecewise quadratic's gradient backward."""

    def forward(self, x):
        quad = torch.where(x < -1, -torch.ones_like(x),
                           torch.where(x < 0, x * x + 2 * x, torch.where(x < 1, 2 * x - x * x, torch.ones_like(x))))
        return sign(x).detach() - quad.detach() + quad


class LearnableBias(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(c))

    def forward(self, x):
        return x + self.bias.view(1, -1, 1, 1)


class BBCUConv(nn.Module):
    """One unit: RPReLU(BinConv(Sign(x + b))) + x, or for r > 1 PixelShuffle_r(...) + nearest_r(x)."""

    def __init__(self, c, r=1):
        super().__init__()
        cout = c * r * r
        self.r = r
        self.weight = nn.Parameter(torch.empty(cout, c, 3, 3))
        bound = 1 / (c * 9) ** 0.5
        nn.init.uniform_(self.weight, -bound, bound)
        self.move0 = LearnableBias(c)
        self.sign = ApproxSign()
        self.move1 = LearnableBias(cout)
        self.prelu = nn.PReLU(cout)
        self.move2 = LearnableBias(cout)

    def forward(self, x):
        xb = self.sign(self.move0(x))
        w = self.weight
        alpha = w.abs().mean(dim=(1, 2, 3), keepdim=True).detach()
        clipped = torch.clamp(w, -1, 1)
        wb = (alpha * sign(w)).detach() - clipped.detach() + clipped
        out = self.move2(self.prelu(self.move1(F.conv2d(xb, wb, padding=1))))
        if self.r > 1:
            return F.pixel_shuffle(out, self.r) + F.interpolate(x, scale_factor=self.r, mode="nearest")
        return out + x


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv1 = BBCUConv(c)
        self.conv2 = BBCUConv(c)

    def forward(self, x):
        return self.conv2(self.conv1(x))


class BBCUNet(nn.Module):
    """binary_upsampler False: srresnet-bbcu (BBCU-L); True: bbcu-m (BBCU-M)."""

    def __init__(self, nf=64, nb=16, upscale=4, binary_upsampler=True, k=130.0):
        super().__init__()
        self.upscale, self.binary_upsampler, self.k = upscale, binary_upsampler, k
        self.conv_first = nn.Conv2d(3, nf, 3, 1, 1)
        self.body = nn.Sequential(*[Block(nf) for _ in range(nb)])
        r, stages = (2, 2) if upscale == 4 else (upscale, 1)
        if binary_upsampler:
            self.upconv1 = BBCUConv(nf, r)
            if stages == 2:
                self.upconv2 = BBCUConv(nf, r)
            self.conv_hr = BBCUConv(nf)
        else:
            self.upconv1 = nn.Conv2d(nf, nf * r * r, 3, 1, 1)
            if stages == 2:
                self.upconv2 = nn.Conv2d(nf, nf * r * r, 3, 1, 1)
            self.pixel_shuffle = nn.PixelShuffle(r)
            self.conv_hr = nn.Conv2d(nf, nf, 3, 1, 1)
        self.conv_last = nn.Conv2d(nf, 3, 3, 1, 1)
        self.lrelu = nn.LeakyReLU(0.1)
        self.stages = stages

    def forward(self, x):
        x = x * self.k
        out = self.body(self.lrelu(self.conv_first(x)))
        ups = [self.upconv1] + ([self.upconv2] if self.stages == 2 else [])
        if self.binary_upsampler:
            for u in ups:
                out = u(out)
            out = self.conv_hr(out)
        else:
            for u in ups:
                out = self.lrelu(self.pixel_shuffle(u(out)))
            out = self.lrelu(self.conv_hr(out))
        out = self.conv_last(out)
        out = out + F.interpolate(x, scale_factor=self.upscale, mode="bilinear", align_corners=False)
        return out * (1.0 / self.k)


def sign_inputs(model, x):
    """Every RSign input x + b of one eval forward."""
    seen = []
    hooks = [m.register_forward_hook(lambda mod, inp, out: seen.append(out.detach()))
             for m in model.modules() if isinstance(m, BBCUConv) for m in [m.move0]]
    with torch.no_grad():
        y = model(x)
    for h in hooks:
        h.remove()
    return y, seen


def make(args):
    os.makedirs(args.dir, exist_ok=True)
    x = load_crop(args.height, args.width)
    for arch in ("srresnet-bbcu", "bbcu-m"):
        for s in args.scales:
            for attempt in range(200):
                torch.manual_seed(1000 * s + attempt + (500 if arch == "bbcu-m" else 0))
                model = BBCUNet(args.nf, args.nb, s, arch == "bbcu-m", args.k).eval()
                with torch.no_grad():
                    for name, t in model.named_parameters():
                        if isinstance(dict(model.named_modules()).get(name.rsplit(".", 1)[0]), BBCUConv):
                            t.mul_(args.gain)                 # latent binary weights: mean|W| large
                        elif name.endswith("prelu.weight"):
                            t.uniform_(-0.5, 0.5)
                        elif name.endswith("move0.bias"):
                            t.uniform_(-40, 10)               # the features are mostly positive (LReLU): re-centre
                        elif name.endswith(".bias") and ".move" in name:
                            t.uniform_(-20, 20)               # shifts on the scale of the amplified features
                        elif name.endswith("bias"):
                            t.uniform_(-0.5, 0.5)
                y, signs = sign_inputs(model, nchw(x))
                margin = min(v.abs().min().item() for v in signs)
                if margin >= MARGIN:
                    break
            else:
                sys.exit("no draw with every sign input %g away from 0" % MARGIN)
            name = "%s_x%d" % (arch.replace("-", "_"), s)
            sd = model.state_dict()
            write_safetensors(os.path.join(args.dir, name + ".safetensors"), sd)
            write_safetensors(os.path.join(args.dir, name + "_io.safetensors"), {"input": x, "output": nhwc(y)},
                              {"arch": arch, "nf": str(args.nf), "nb": str(args.nb), "scale": str(s), "k": str(args.k),
                               "torch": torch.__version__})
            with open(os.path.join(args.dir, name + "_state.txt"), "w") as f:
                for n, t in sd.items():
                    f.write("%s %s %s\n" % (n, DTYPES[t.dtype][0], ",".join(str(d) for d in t.shape)))
            with torch.no_grad():
                base = F.interpolate(nchw(x), scale_factor=s, mode="bilinear", align_corners=False)
            minus = sum((v < 0).sum().item() for v in signs) / sum(v.numel() for v in signs)
            print("%s x%d: draw %d, %d tensors, output range [%.3f, %.3f], mean |out - bilinear| %.3f, "
                  "min |x + b| %.3f, %.0f%% signs -1" % (arch, s, attempt, len(sd), y.min(), y.max(),
                                                        (y - base).abs().mean(), margin, 100 * minus))


def check(args):
    sd, meta = read_safetensors(args.model)
    opts = json.loads(meta["bnnsr"])
    arch = opts["arch"]
    if arch not in ("srresnet-bbcu", "bbcu-m"):
        sys.exit("not a BBCU model: " + arch)
    k = float(opts.get("extra", {}).get("amplification", "130"))
    model = BBCUNet(opts["channels"], opts["blocks"], opts["scale"], arch == "bbcu-m", k).eval()
    if "checkpoint" in os.path.basename(args.model):
        # a training checkpoint also holds the optimizer state and counters: keep the model's own tensors
        names = set(model.state_dict().keys())
        extra = sorted(n for n in sd if n not in names)
        sd = {n: t for n, t in sd.items() if n in names}
        print("checkpoint: %d non-model tensors left out (e.g. %s)" % (len(extra), ", ".join(extra[:2])))
    model.load_state_dict(sd, strict=True)
    print("%s x%d (nf=%d, nb=%d, k=%g): load_state_dict(strict=True) OK, %d tensors"
          % (arch, opts["scale"], opts["channels"], opts["blocks"], k, len(sd)))
    if args.lr and args.bnnsr_output:
        # bnnsr upscale's 8-bit PNG of the same LR image: PyTorch's output, clamped and rounded, must agree
        from PIL import Image
        import numpy as np
        lr = np.asarray(Image.open(args.lr).convert("RGB"), dtype=np.float32) / 255.0
        with torch.no_grad():
            y = nhwc(model(nchw(torch.from_numpy(lr).unsqueeze(0))))[0].clamp(0, 1).numpy()
        ours = np.asarray(Image.open(args.bnnsr_output).convert("RGB"), dtype=np.float32)
        d = np.abs(np.floor(y * 255 + 0.5) - ours)
        print("vs bnnsr upscale %s: max |diff| %d levels, %.4f%% of values differ" % (args.bnnsr_output, d.max(), 100 * (d > 0).mean()))
        if d.max() > 1:
            sys.exit("FAILED: PyTorch and bnnsr differ by more than rounding")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("dir")
    m.add_argument("--nf", type=int, default=8)
    m.add_argument("--nb", type=int, default=2)
    m.add_argument("--k", type=float, default=130.0)
    m.add_argument("--gain", type=float, default=100.0, help="factor on the latent binary weights' default init")
    m.add_argument("--scales", type=int, nargs="+", default=[2, 3, 4])
    m.add_argument("--height", type=int, default=17)
    m.add_argument("--width", type=int, default=13)
    c = sub.add_parser("check")
    c.add_argument("model")
    c.add_argument("--lr", help="an LR PNG that bnnsr upscaled with this model")
    c.add_argument("--bnnsr-output", help="bnnsr upscale's PNG output for --lr")
    args = p.parse_args()
    make(args) if args.cmd == "make" else check(args)


if __name__ == "__main__":
    main()
