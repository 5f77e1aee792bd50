#!/usr/bin/env python3
"""Makes the image-format fixtures of ImageFormatsTest with other libraries than ours (Pillow + LittleCMS through
ImageCms, ImageMagick for the 16-bit TIFF), and the expected sRGB values at probe points.

    /usr/bin/python3 src/test/python/make_format_fixtures.py   # Debian: python3-pil, imagemagick (its ghostscript brings the ICC profiles)

Writes src/test/resources/formats/*.{jpg,webp,tif,gif,png,bmp} and formats.json. Every image is a 4 x 3 grid of
8 x 8 flat patches of saturated colours (where colour spaces differ most), so lossy codecs keep the patch centres.
"""
import io
import json
import os
import subprocess
import tempfile

import numpy as np
from PIL import Image, ImageCms

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "formats")
ICC = "/usr/share/color/icc/ghostscript"
PATCH = 8
COLOURS = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (0, 255, 255), (255, 0, 255),
           (20, 160, 60), (200, 80, 20), (128, 128, 128), (250, 250, 250), (10, 10, 10), (90, 40, 170)]


def grid(colours, channels=3):
    img = np.zeros((3 * PATCH, 4 * PATCH, channels), dtype=np.uint8)
    for i, c in enumerate(colours):
        y, x = (i // 4) * PATCH, (i % 4) * PATCH
        img[y:y + PATCH, x:x + PATCH] = c
    return img


def centres():
    return [((i % 4) * PATCH + PATCH // 2, (i // 4) * PATCH + PATCH // 2) for i in range(12)]


def probes(rgb, bits=8):
    """Expected samples at the patch centres from an HxWxC array."""
    return [{"x": x, "y": y, "values": [int(v) for v in rgb[y, x]]} for x, y in centres()]


def to_srgb(img, profile_path, mode_out="RGB"):
    src = ImageCms.getOpenProfile(profile_path)
    dst = ImageCms.createProfile("sRGB")
    return ImageCms.profileToProfile(img, src, dst, renderingIntent=0, outputMode=mode_out)


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []
    rgb = grid(COLOURS)

    # CMYK JPEG (Adobe, inverted) with an embedded press profile: the file that decoded washed-out before. The
    # profile is ghostscript's default_cmyk (180 KB, most of the file): its small ps_cmyk.icc is refused by
    # TwelveMonkeys (falls back to uncalibrated CMYK) and by LittleCMS as an output profile.
    inks = [(255, 0, 0, 0), (0, 255, 0, 0), (0, 0, 255, 0), (0, 0, 0, 255), (255, 255, 0, 0), (0, 255, 255, 0),
            (255, 0, 255, 0), (60, 120, 200, 10), (128, 128, 128, 0), (10, 10, 10, 0), (0, 0, 0, 128), (200, 30, 0, 40)]
    cmyk_img = Image.fromarray(grid(inks, 4), "CMYK")
    cmyk_profile = open(f"{ICC}/default_cmyk.icc", "rb").read()
    cmyk_img.save(f"{OUT}/cmyk.jpg", quality=100, subsampling=0, icc_profile=cmyk_profile)
    # expected: ImageMagick's conversion to sRGB (LittleCMS with black point compensation, as Java's colour
    # management does; Pillow's ImageCms, without it, differs by up to 20 levels in the darks)
    ppm = subprocess.run(["convert", f"{OUT}/cmyk.jpg", "-profile", f"{ICC}/srgb.icc", "-depth", "8", "ppm:-"],
                         check=True, capture_output=True).stdout
    expected = np.asarray(Image.open(io.BytesIO(ppm)).convert("RGB"))
    cases.append({"file": "cmyk.jpg", "width": 32, "height": 24, "channels": 3, "bits": 8, "tolerance": 6,
                  "probes": probes(expected)})

    # Progressive RGB JPEG: expected = Pillow's (libjpeg's) decode
    Image.fromarray(rgb).save(f"{OUT}/progressive.jpg", quality=95, progressive=True, subsampling=0)
    cases.append({"file": "progressive.jpg", "width": 32, "height": 24, "channels": 3, "bits": 8, "tolerance": 3,
                  "probes": probes(np.asarray(Image.open(f"{OUT}/progressive.jpg").convert("RGB")))})

    # RGB JPEG in Adobe RGB (1998): the ICC profile must be honoured
    a98 = open(f"{ICC}/a98.icc", "rb").read()
    Image.fromarray(rgb).save(f"{OUT}/adobergb.jpg", quality=100, subsampling=0, icc_profile=a98)
    expected = np.asarray(to_srgb(Image.open(f"{OUT}/adobergb.jpg").convert("RGB"), io.BytesIO(a98)))
    cases.append({"file": "adobergb.jpg", "width": 32, "height": 24, "channels": 3, "bits": 8, "tolerance": 4,
                  "probes": probes(expected)})

    # PNG with the Adobe RGB profile in iCCP
    Image.fromarray(rgb).save(f"{OUT}/adobergb.png", icc_profile=a98)
    expected = np.asarray(to_srgb(Image.fromarray(rgb), io.BytesIO(a98)))
    cases.append({"file": "adobergb.png", "width": 32, "height": 24, "channels": 3, "bits": 8, "tolerance": 2,
                  "probes": probes(expected)})

    # Lossless WebP with alpha: exact
    rgba = grid([c + (255 if i % 3 else 96,) for i, c in enumerate(COLOURS)], 4)
    Image.fromarray(rgba, "RGBA").save(f"{OUT}/lossless.webp", lossless=True)
    cases.append({"file": "lossless.webp", "width": 32, "height": 24, "channels": 4, "bits": 8, "tolerance": 0,
                  "probes": probes(rgba)})

    # 16-bit RGB TIFF (LZW) by ImageMagick from a 16-bit PPM: values that 8 bits cannot hold
    rgb16 = np.zeros((24, 32, 3), dtype=np.uint16)
    vals = [(65535 - 123 * i, 1000 + 4999 * i, 31 + 3 * i) for i in range(12)]
    for i, v in enumerate(vals):
        y, x = (i // 4) * PATCH, (i % 4) * PATCH
        rgb16[y:y + PATCH, x:x + PATCH] = v
    with tempfile.TemporaryDirectory() as d:
        ppm = os.path.join(d, "in.ppm")
        with open(ppm, "wb") as f:
            f.write(b"P6 32 24 65535\n" + rgb16.astype(">u2").tobytes())
        subprocess.run(["convert", ppm, "-depth", "16", "-compress", "lzw", f"{OUT}/rgb16.tif"], check=True)
    cases.append({"file": "rgb16.tif", "width": 32, "height": 24, "channels": 3, "bits": 16, "tolerance": 0,
                  "probes": probes(rgb16)})

    # 16-bit grey TIFF by Pillow
    grey16 = np.zeros((24, 32), dtype=np.uint16)
    for i in range(12):
        y, x = (i // 4) * PATCH, (i % 4) * PATCH
        grey16[y:y + PATCH, x:x + PATCH] = 257 * 20 * i + 7
    Image.fromarray(grey16, "I;16").save(f"{OUT}/grey16.tif")
    cases.append({"file": "grey16.tif", "width": 32, "height": 24, "channels": 1, "bits": 16, "tolerance": 0,
                  "probes": probes(grey16[:, :, None])})

    # Animated GIF: the first frame is read
    frames = [Image.fromarray(rgb).quantize(colors=16, dither=Image.Dither.NONE),
              Image.fromarray(255 - rgb).quantize(colors=16, dither=Image.Dither.NONE)]
    frames[0].save(f"{OUT}/animated.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)
    first = np.asarray(Image.open(f"{OUT}/animated.gif").convert("RGB"))
    cases.append({"file": "animated.gif", "width": 32, "height": 24, "channels": 3, "bits": 8, "tolerance": 0,
                  "probes": probes(first)})

    # BMP by Pillow (24-bit)
    Image.fromarray(rgb).save(f"{OUT}/rgb.bmp")
    cases.append({"file": "rgb.bmp", "width": 32, "height": 24, "channels": 3, "bits": 8, "tolerance": 0,
                  "probes": probes(rgb)})

    with open(f"{OUT}/formats.json", "w") as f:
        json.dump({"made_by": "src/test/python/make_format_fixtures.py", "cases": cases}, f, indent=1)
    print("wrote", len(cases), "fixtures to", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
