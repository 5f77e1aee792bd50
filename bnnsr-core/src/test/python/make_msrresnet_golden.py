#!/usr/bin/env python3
"""PyTorch parity fixtures for bnnsr's `srresnet` (BasicSR's MSRResNet), and the reverse check.

Needs Debian's python (torch 1.13, numpy, PIL); the Maven build never runs it.

1. Make the fixtures (PyTorch -> bnnsr), committed under src/test/resources/golden/:
       /usr/bin/python3 src/test/python/make_msrresnet_golden.py make src/test/resources/golden
   For scales 2, 3, 4 (nf=8, nb=2, a 17x13 crop of Set5 butterfly): msrresnet_x{s}.safetensors is the state dict
   exactly as model.state_dict() holds it (plain, no bnnsr metadata; BasicSR's random init without its 0.1
   factor, random biases), msrresnet_x{s}_io.safetensors holds the input crop and PyTorch's output (NHWC,
   [1, H, W, 3]), msrresnet_x{s}_state.txt lists state_dict's names, dtypes and shapes, in order.
   bnnsr.arch.MSRResNetParityTest loads them, runs forward and compares (max abs diff < 1e-4).
   Full size (about 6 MB per scale: do not commit), then the Java comparison on it:
       /usr/bin/python3 src/test/python/make_msrresnet_golden.py make /tmp/full --nf 64 --nb 16 --gain 5 \
           --height 24 --width 20
       mvn -B -q test -Dtest='MSRResNetParityTest#externalFixtures' -Dbnnsr.parity.dir=/tmp/full

2. The reverse check (bnnsr -> PyTorch), run by hand:
       JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 mvn -B -q test -Dtest=MSRResNetParityTest -Dbnnsr.parity.export=/tmp/bnnsr-export
       /usr/bin/python3 src/test/python/make_msrresnet_golden.py check /tmp/bnnsr-export
   The Java test then also writes, per scale, a bnnsr-initialised model (java_x{s}.safetensors, with bnnsr
   metadata) and bnnsr's output on the fixture input (java_x{s}_io.safetensors); `check` loads each model into
   this script's MSRResNet with load_state_dict(strict=True), runs it and prints the max abs difference.

The safetensors bytes are written and read here directly (8-byte little-endian header length, JSON header,
raw little-endian data), since Debian has no `safetensors` package.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn import init as init


# ---- BasicSR (basicsr/archs/arch_util.py and srresnet_arch.py), verbatim in substance ----
@torch.no_grad()
def default_init_weights(module_list, scale=1, bias_fill=0, **kwargs):
    if not isinstance(module_list, list):
        module_list = [module_list]
    for module in module_list:
        for m in module.modules():
            if isinstance(m, nn.Conv2d):
                init.kaiming_normal_(m.weight, **kwargs)
                m.weight.data *= scale
                if m.bias is not None:
                    m.bias.data.fill_(bias_fill)
            elif isinstance(m, nn.Linear):
                init.kaiming_normal_(m.weight, **kwargs)
                m.weight.data *= scale
                if m.bias is not None:
                    m.bias.data.fill_(bias_fill)
            elif isinstance(m, nn.modules.batchnorm._BatchNorm):
                init.constant_(m.weight, 1)
                if m.bias is not None:
                    m.bias.data.fill_(bias_fill)


def make_layer(basic_block, num_basic_block, **kwarg):
    layers = []
    for _ in range(num_basic_block):
        layers.append(basic_block(**kwarg))
    return nn.Sequential(*layers)


class ResidualBlockNoBN(nn.Module):
    def __init__(self, num_feat=64, res_scale=1, pytorch_init=False):
        super(ResidualBlockNoBN, self).__init__()
        self.res_scale = res_scale
        self.conv1 = nn.Conv2d(num_feat, num_feat, 3, 1, 1, bias=True)
        self.conv2 = nn.Conv2d(num_feat, num_feat, 3, 1, 1, bias=True)
        self.relu = nn.ReLU(inplace=True)
        if not pytorch_init:
            default_init_weights([self.conv1, self.conv2], 0.1)

    def forward(self, x):
        identity = x
        out = self.conv2(self.relu(self.conv1(x)))
        return identity + out * self.res_scale


class MSRResNet(nn.Module):
    def __init__(self, num_in_ch=3, num_out_ch=3, num_feat=64, num_block=16, upscale=4):
        super(MSRResNet, self).__init__()
        self.upscale = upscale
        self.conv_first = nn.Conv2d(num_in_ch, num_feat, 3, 1, 1)
        self.body = make_layer(ResidualBlockNoBN, num_block, num_feat=num_feat)
        if self.upscale in [2, 3]:
            self.upconv1 = nn.Conv2d(num_feat, num_feat * self.upscale * self.upscale, 3, 1, 1)
            self.pixel_shuffle = nn.PixelShuffle(self.upscale)
        elif self.upscale == 4:
            self.upconv1 = nn.Conv2d(num_feat, num_feat * 4, 3, 1, 1)
            self.upconv2 = nn.Conv2d(num_feat, num_feat * 4, 3, 1, 1)
            self.pixel_shuffle = nn.PixelShuffle(2)
        self.conv_hr = nn.Conv2d(num_feat, num_feat, 3, 1, 1)
        self.conv_last = nn.Conv2d(num_feat, num_out_ch, 3, 1, 1)
        self.lrelu = nn.LeakyReLU(negative_slope=0.1, inplace=True)
        default_init_weights([self.conv_first, self.upconv1, self.conv_hr, self.conv_last], 0.1)
        if self.upscale == 4:
            default_init_weights(self.upconv2, 0.1)

    def forward(self, x):
        feat = self.lrelu(self.conv_first(x))
        out = self.body(feat)
        if self.upscale == 4:
            out = self.lrelu(self.pixel_shuffle(self.upconv1(out)))
            out = self.lrelu(self.pixel_shuffle(self.upconv2(out)))
        elif self.upscale in [2, 3]:
            out = self.lrelu(self.pixel_shuffle(self.upconv1(out)))
        out = self.conv_last(self.lrelu(self.conv_hr(out)))
        base = F.interpolate(x, scale_factor=self.upscale, mode='bilinear', align_corners=False)
        out += base
        return out


# ---- safetensors by hand ----
DTYPES = {torch.float32: ("F32", np.float32), torch.int64: ("I64", np.int64)}
NP = {"F32": np.float32, "I64": np.int64, "F16": np.float16}


def write_safetensors(path, tensors, metadata=None):
    header, blobs, offset = {}, [], 0
    if metadata:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        code, npt = DTYPES[t.dtype]
        blob = t.detach().cpu().contiguous().numpy().astype(npt).astype("<" + np.dtype(npt).str[1:]).tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = raw[8 + n:]
    out = {}
    for name, e in header.items():
        a, b = e["data_offsets"]
        arr = np.frombuffer(data[a:b], dtype=np.dtype(NP[e["dtype"]]).newbyteorder("<")).reshape(e["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out, meta


def nhwc(t):
    return t.detach().permute(0, 2, 3, 1).contiguous()


def nchw(t):
    return t.permute(0, 3, 1, 2).contiguous()


def load_crop(h, w):
    from PIL import Image
    img = np.asarray(Image.open("/work/shared/datasets/Set5/butterfly.png").convert("RGB"), dtype=np.float32) / 255.0
    y0, x0 = 100, 80  # a textured patch (wing edges), away from the image borders
    return torch.from_numpy(img[y0:y0 + h, x0:x0 + w].copy()).unsqueeze(0)  # NHWC


def make(args):
    os.makedirs(args.dir, exist_ok=True)
    x = load_crop(args.height, args.width)
    for s in args.scales:
        torch.manual_seed(100 + s)
        model = MSRResNet(num_feat=args.nf, num_block=args.nb, upscale=s).eval()
        with torch.no_grad():
            # BasicSR's 0.1-scaled init makes the output almost exactly the bilinear base, which would hide conv
            # errors: scale the weights up (by default undo the 0.1: plain kaiming normal) and give the biases
            # random values, so the convolution path changes the output by about as much as the base is worth
            for name, t in model.named_parameters():
                if name.endswith("weight"):
                    t.mul_(args.gain)
                else:
                    t.uniform_(-0.05, 0.05)
            y = model(nchw(x))
            b = F.interpolate(nchw(x), scale_factor=s, mode="bilinear", align_corners=False)
        sd = model.state_dict()
        write_safetensors(os.path.join(args.dir, "msrresnet_x%d.safetensors" % s), sd)
        write_safetensors(os.path.join(args.dir, "msrresnet_x%d_io.safetensors" % s),
                          {"input": x, "output": nhwc(y)},
                          {"nf": str(args.nf), "nb": str(args.nb), "scale": str(s), "torch": torch.__version__})
        with open(os.path.join(args.dir, "msrresnet_x%d_state.txt" % s), "w") as f:
            for name, t in sd.items():
                f.write("%s %s %s\n" % (name, DTYPES[t.dtype][0], ",".join(str(d) for d in t.shape)))
        print("x%d: %d tensors, output %s, range [%.4f, %.4f], mean |output - bilinear base| %.4f"
              % (s, len(sd), tuple(y.shape), y.min(), y.max(), (y - b).abs().mean()))


def check(args):
    worst = 0.0
    for s in (2, 3, 4):
        path = os.path.join(args.dir, "java_x%d.safetensors" % s)
        if not os.path.exists(path):
            continue
        sd, meta = read_safetensors(path)
        opts = json.loads(meta["bnnsr"])
        model = MSRResNet(num_feat=opts["channels"], num_block=opts["blocks"], upscale=opts["scale"]).eval()
        model.load_state_dict(sd, strict=True)  # names, shapes and dtypes must all fit
        io, _ = read_safetensors(os.path.join(args.dir, "java_x%d_io.safetensors" % s))
        with torch.no_grad():
            y = nhwc(model(nchw(io["input"])))
        d = (y - io["output"]).abs().max().item()
        worst = max(worst, d)
        print("x%d (nf=%d, nb=%d): bnnsr-initialised model in PyTorch, max abs diff vs bnnsr output %.3g"
              % (s, opts["channels"], opts["blocks"], d))
    if worst >= 1e-4:
        sys.exit("FAILED: max abs diff %.3g >= 1e-4" % worst)


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make")
    m.add_argument("dir")
    m.add_argument("--nf", type=int, default=8)
    m.add_argument("--nb", type=int, default=2)
    m.add_argument("--gain", type=float, default=10, help="weight factor over BasicSR's init (10 undoes its 0.1)")
    m.add_argument("--scales", type=int, nargs="+", default=[2, 3, 4])
    m.add_argument("--height", type=int, default=17)
    m.add_argument("--width", type=int, default=13)
    c = sub.add_parser("check")
    c.add_argument("dir")
    args = p.parse_args()
    make(args) if args.cmd == "make" else check(args)


if __name__ == "__main__":
    main()
