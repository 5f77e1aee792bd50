#!/usr/bin/python3
"""Golden fixtures for bnnsr's MATLAB bicubic imresize and PSNR/SSIM, from an independent numpy port.

Run with Debian's python (numpy): /usr/bin/python3 src/test/python/make_golden.py
Writes src/test/resources/golden/imresize.json, metrics.json, io.json and io/* (small image files written by PIL,
with the samples a reader must find). Not run by the build.

The port follows MATLAB's imresize.m structure (contributions(): u, left, P taps, h(), normalise, aux-array
mirroring, drop all-zero columns; dimension order by sort(scale)), in float64. SSIM follows Wang's ssim_index.m
with a 2-D window and a 2-D 'valid' correlation (no separable shortcut), so it checks the Java separable code.
"""
import base64
import json
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', 'resources', 'golden')


def cubic(x):
    absx = np.abs(x)
    absx2 = absx ** 2
    absx3 = absx ** 3
    return ((1.5 * absx3 - 2.5 * absx2 + 1) * (absx <= 1)
            + (-0.5 * absx3 + 2.5 * absx2 - 4 * absx + 2) * ((1 < absx) & (absx <= 2)))


def contributions(in_length, out_length, scale, antialiasing=True, clamp=False):
    kernel_width = 4.0
    if scale < 1 and antialiasing:
        h = lambda x: scale * cubic(scale * x)
        kernel_width = kernel_width / scale
    else:
        h = cubic
    x = np.arange(1, out_length + 1, dtype=np.float64)[:, None]
    u = x / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(u - kernel_width / 2)
    P = int(math.ceil(kernel_width)) + 2
    indices = left + np.arange(P)[None, :]
    weights = h(u - indices)
    weights = weights / np.sum(weights, axis=1, keepdims=True)
    indices = indices.astype(np.int64)
    if clamp:
        indices = np.minimum(np.maximum(1, indices), in_length)
    else:
        aux = np.concatenate([np.arange(1, in_length + 1), np.arange(in_length, 0, -1)])
        indices = aux[np.mod(indices - 1, len(aux))]
    kill = np.any(weights != 0, axis=0)
    return weights[:, kill], indices[:, kill] - 1


def resize_along(a, dim, weights, indices):
    # out[i] = sum_k weights[i, k] * a[indices[i, k]] along axis dim
    a = np.moveaxis(a, dim, 0)
    gathered = a[indices]                      # out x taps x rest...
    w = weights.reshape(weights.shape + (1,) * (a.ndim - 1))
    out = np.sum(w * gathered, axis=1)
    return np.moveaxis(out, 0, dim)


def output_size(n, scale):
    v = n * scale
    r = round(v)
    if abs(v - r) <= 1e-9 * max(1.0, v):
        return max(1, int(r))
    return max(1, int(math.ceil(v)))


def imresize(img, scale=None, out_size=None, clamp=False):
    """img: H x W x C float64. Either a scalar scale (output ceil(in*scale)) or an output size (scale out/in)."""
    h, w = img.shape[:2]
    if out_size is None:
        scales = [scale, scale]
        out_size = [output_size(h, scale), output_size(w, scale)]
    else:
        scales = [out_size[0] / h, out_size[1] / w]
    order = sorted(range(2), key=lambda d: scales[d])   # MATLAB: [~, order] = sort(scale), stable
    out = img
    for d in order:
        wts, ind = contributions(img.shape[d], out_size[d], scales[d], True, clamp)
        out = resize_along(out, d, wts, ind)
    return out


def fmt(a):
    """float32 little-endian, base64: compact and exact for the Java side."""
    return base64.b64encode(np.asarray(a, dtype='<f4').ravel().tobytes()).decode('ascii')


def fmt_u8(a):
    return base64.b64encode(np.asarray(a, dtype=np.uint8).ravel().tobytes()).decode('ascii')


def imresize_cases(rng):
    cases = []
    shapes = [(7, 5, 3), (8, 8, 1), (1, 9, 1), (9, 1, 3), (1, 1, 1), (5, 7, 2), (6, 5, 4), (12, 12, 3)]
    scales = [1 / 2, 1 / 3, 1 / 4, 0.7, 2, 3, 4, 1.5]
    for (h, w, c) in shapes:
        for s in scales:
            if (h, w) == (12, 12) and s > 1:
                continue                       # keep the fixture small: the big shape only downscales
            src = (rng.integers(0, 256, size=(h, w, c)) / 255.0).astype(np.float32)
            if c == 3 and s == 0.7:
                src = rng.random((h, w, c), dtype=np.float32)   # non-quantised values too
            out = imresize(src.astype(np.float64), scale=s)
            cases.append(dict(name='%dx%dx%d scale %.6g' % (h, w, c, s), h=h, w=w, c=c, scale=s, border='symmetric',
                              input=fmt(src), outH=out.shape[0], outW=out.shape[1], output=fmt(out)))
    # explicit output sizes: different scales per dimension (dimension order), and old MATLAB clamping
    for (h, w, c, oh, ow) in [(7, 5, 1, 3, 9), (6, 9, 3, 11, 4), (10, 10, 1, 10, 23)]:
        src = (rng.integers(0, 256, size=(h, w, c)) / 255.0).astype(np.float32)
        out = imresize(src.astype(np.float64), out_size=(oh, ow))
        cases.append(dict(name='%dx%dx%d to %dx%d' % (h, w, c, oh, ow), h=h, w=w, c=c, scale=None, border='symmetric',
                          input=fmt(src), outH=oh, outW=ow, output=fmt(out)))
    for (h, w, c, s) in [(9, 7, 1, 1 / 3), (5, 6, 3, 2), (8, 4, 1, 0.25)]:
        src = (rng.integers(0, 256, size=(h, w, c)) / 255.0).astype(np.float32)
        out = imresize(src.astype(np.float64), scale=s, clamp=True)
        cases.append(dict(name='%dx%dx%d scale %.6g clamp' % (h, w, c, s), h=h, w=w, c=c, scale=s, border='clamp',
                          input=fmt(src), outH=out.shape[0], outW=out.shape[1], output=fmt(out)))
    return cases


def gaussian_window(size=11, sigma=1.5):
    # fspecial('gaussian', 11, 1.5)
    r = (size - 1) / 2
    y, x = np.mgrid[-r:r + 1, -r:r + 1]
    g = np.exp(-(x * x + y * y) / (2 * sigma * sigma))
    return g / g.sum()


def filter2_valid(win, img):
    k = win.shape[0]
    H, W = img.shape
    out = np.zeros((H - k + 1, W - k + 1))
    for dy in range(k):
        for dx in range(k):
            out += win[dy, dx] * img[dy:dy + H - k + 1, dx:dx + W - k + 1]
    return out


def ssim(a, b):
    C1 = (0.01 * 255) ** 2
    C2 = (0.03 * 255) ** 2
    win = gaussian_window()
    mu1 = filter2_valid(win, a)
    mu2 = filter2_valid(win, b)
    mu1_sq, mu2_sq, mu1_mu2 = mu1 * mu1, mu2 * mu2, mu1 * mu2
    s1 = filter2_valid(win, a * a) - mu1_sq
    s2 = filter2_valid(win, b * b) - mu2_sq
    s12 = filter2_valid(win, a * b) - mu1_mu2
    m = ((2 * mu1_mu2 + C1) * (2 * s12 + C2)) / ((mu1_sq + mu2_sq + C1) * (s1 + s2 + C2))
    return float(m.mean())


def y_of_uint8(rgb):
    r, g, b = [rgb[..., k].astype(np.float64) / 255.0 for k in range(3)]
    return 16.0 + 65.481 * r + 128.553 * g + 24.966 * b


def metrics_cases(rng):
    cases = []
    for (h, w, shave, noise) in [(24, 27, 2, 8), (31, 22, 3, 20), (40, 40, 4, 3)]:
        ref = rng.integers(0, 256, size=(h, w, 3))
        # a smooth-ish reference makes SSIM values spread out; the test image is reference + noise
        ref = np.clip(np.cumsum(ref - 127, axis=1) // 8 + 128, 0, 255)
        test = np.clip(ref + rng.integers(-noise, noise + 1, size=ref.shape), 0, 255)
        ya, yb = y_of_uint8(ref), y_of_uint8(test)
        ya, yb = ya[shave:h - shave, shave:w - shave], yb[shave:h - shave, shave:w - shave]
        mse = float(np.mean((ya - yb) ** 2))
        cases.append(dict(h=h, w=w, shave=shave, reference=fmt_u8(ref), test=fmt_u8(test),
                          psnr=10 * math.log10(255.0 ** 2 / mse), ssim=ssim(ya, yb)))
    return cases


def io_cases(rng):
    """Small files written by PIL (not by Java), with the sample values a reader must find in them."""
    from PIL import Image
    d = os.path.join(OUT, 'io')
    os.makedirs(d, exist_ok=True)
    cases = []

    def add(name, img, channels, bits, values, tolerance=0, **save):
        img.save(os.path.join(d, name), **save)
        cases.append(dict(file=name, height=img.height, width=img.width, channels=channels, bits=bits,
                          tolerance=tolerance, values=[int(v) for v in np.asarray(values).ravel()]))

    g16 = rng.integers(0, 65536, size=(4, 5)).astype(np.uint16)
    g16[0, 0], g16[0, 1] = 0, 65535
    add('grey16.png', Image.fromarray(g16.astype(np.int32), mode='I').convert('I;16'), 1, 16, g16)
    g8 = rng.integers(0, 256, size=(3, 6)).astype(np.uint8)
    add('grey8.png', Image.fromarray(g8, mode='L'), 1, 8, g8)
    la = rng.integers(0, 256, size=(3, 4, 2)).astype(np.uint8)
    add('grey_alpha8.png', Image.fromarray(la, mode='LA'), 2, 8, la)
    rgb = rng.integers(0, 256, size=(4, 3, 3)).astype(np.uint8)
    add('rgb8.png', Image.fromarray(rgb, mode='RGB'), 3, 8, rgb)
    rgba = rng.integers(0, 256, size=(2, 5, 4)).astype(np.uint8)
    add('rgba8.png', Image.fromarray(rgba, mode='RGBA'), 4, 8, rgba)
    # palette with a transparent entry: read as RGBA
    pal_idx = rng.integers(0, 4, size=(3, 5)).astype(np.uint8)
    palette = [255, 0, 0, 0, 128, 0, 10, 20, 30, 250, 250, 5]
    p = Image.fromarray(pal_idx, mode='P')
    p.putpalette(palette)
    expected = np.array([palette[3 * i:3 * i + 3] + [0 if i == 2 else 255] for i in range(4)])[pal_idx]
    add('palette_alpha.png', p, 4, 8, expected, transparency=2)
    # palette without transparency: RGB
    p2 = Image.fromarray(pal_idx, mode='P')
    p2.putpalette(palette)
    add('palette.png', p2, 3, 8, np.array([palette[3 * i:3 * i + 3] for i in range(4)])[pal_idx])
    # 1-bit grey: a grey palette for Java, read as grey
    bits1 = rng.integers(0, 2, size=(3, 9)).astype(bool)
    add('grey1.png', Image.fromarray(bits1).convert('1'), 1, 8, bits1.astype(np.uint8) * 255)
    add('rgb24.bmp', Image.fromarray(rgb, mode='RGB'), 3, 8, rgb)
    add('palette8.bmp', p2, 3, 8, np.array([palette[3 * i:3 * i + 3] for i in range(4)])[pal_idx])
    smooth = np.clip(np.add.outer(np.arange(16) * 12, np.arange(16) * 3)[..., None] + np.array([0, 20, 40]), 0, 255)
    smooth = smooth.astype(np.uint8)
    jpg = Image.fromarray(smooth, mode='RGB')
    jpg.save(os.path.join(d, 'rgb.jpg'), quality=95)
    decoded = np.asarray(Image.open(os.path.join(d, 'rgb.jpg')).convert('RGB'))
    cases.append(dict(file='rgb.jpg', height=16, width=16, channels=3, bits=8, tolerance=2,
                      values=[int(v) for v in decoded.ravel()]))
    return cases


def main():
    rng = np.random.default_rng(20240531)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, 'imresize.json'), 'w') as f:
        json.dump(dict(generator='src/test/python/make_golden.py', cases=imresize_cases(rng)), f, separators=(',', ':'))
    with open(os.path.join(OUT, 'io.json'), 'w') as f:
        json.dump(dict(generator='src/test/python/make_golden.py', cases=io_cases(rng)), f, separators=(',', ':'))
    with open(os.path.join(OUT, 'metrics.json'), 'w') as f:
        json.dump(dict(generator='src/test/python/make_golden.py', cases=metrics_cases(rng)), f, separators=(',', ':'))


if __name__ == '__main__':
    main()
