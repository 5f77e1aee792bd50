#!/usr/bin/python3
"""Makes the PyTorch golden vectors for the conv kernels (run by hand with Debian's python3-torch; not part of the build).

Writes src/test/resources/golden/conv_golden.bin (raw little-endian float32, tensors one after the other) and
conv_golden.json (per case: k and, per tensor, its PyTorch shape and offset in floats). Layouts are PyTorch's:
input/output/grads NCHW, weight OIHW. Convolutions run in float64 on float32 values, then round to float32.
"""
import json
import os

import numpy as np
import torch

CASES = [  # name, n, h, w, cin, cout, k
    ("k3", 2, 7, 5, 5, 6, 3),
    ("k1", 2, 7, 5, 5, 6, 1),
    ("k5_tails", 1, 5, 4, 3, 17, 5),
    ("rgb_out", 1, 6, 5, 20, 3, 3),
]


def main():
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden")
    os.makedirs(out_dir, exist_ok=True)
    rng = np.random.default_rng(2020)
    blob, index = [], []
    offset = 0
    for name, n, h, w, cin, cout, k in CASES:
        f32 = lambda *shape: rng.uniform(-1, 1, size=shape).astype(np.float32)
        x = torch.tensor(f32(n, cin, h, w), dtype=torch.float64, requires_grad=True)
        wt = torch.tensor(f32(cout, cin, k, k), dtype=torch.float64, requires_grad=True)
        b = torch.tensor(f32(cout), dtype=torch.float64, requires_grad=True)
        gy = torch.tensor(f32(n, cout, h, w), dtype=torch.float64)
        y = torch.nn.functional.conv2d(x, wt, b, stride=1, padding=k // 2)
        y.backward(gy)
        tensors = {"input": x, "weight": wt, "bias": b, "output": y, "grad_output": gy,
                   "grad_input": x.grad, "grad_weight": wt.grad, "grad_bias": b.grad}
        entry = {"name": name, "k": k, "tensors": {}}
        for key, t in tensors.items():
            a = t.detach().numpy().astype("<f4")
            entry["tensors"][key] = {"shape": list(a.shape), "offset": offset}
            offset += a.size
            blob.append(a.ravel())
        index.append(entry)
    np.concatenate(blob).astype("<f4").tofile(os.path.join(out_dir, "conv_golden.bin"))
    with open(os.path.join(out_dir, "conv_golden.json"), "w") as fh:
        json.dump({"generator": "src/test/python/make_conv_golden.py", "torch": torch.__version__,
                   "data": "conv_golden.bin", "cases": index}, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
