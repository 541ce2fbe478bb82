#!/usr/bin/env python3
"""Reference embeddings for crates/vision's tests, from an independent numpy implementation.

Run by hand, once, when the network or the weights file changes (CI does not run it and has no
numpy): it reads the same converted weights file as the Rust code and writes
crates/vision/tests/reference.json.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install numpy
    /tmp/venv/bin/python scripts/vision-reference.py target/vision/efficientnet-lite0.f16

It is written apart from the Rust code on purpose: channel-first arrays, float64 throughout,
padding by np.pad, convolutions as strided slices, resizing as a matrix product. Where the two
agree, neither carries the same mistake. The inputs are defined by formulas that the Rust tests
rebuild exactly.
"""

import hashlib
import json
import struct
import sys

import numpy as np

# (blocks, kernel, first stride, expansion, inputs, outputs): TensorFlow's Lite0 builder.
STAGES = [
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
]


def read_weights(path):
    raw = open(path, "rb").read()
    assert raw[:4] == b"SBVW", "not a weights file"
    version, count = struct.unpack_from("<II", raw, 4)
    assert version == 1
    at = 12
    table = []
    for _ in range(count):
        n = raw[at]
        name = raw[at + 1 : at + 1 + n].decode()
        at += 1 + n
        rank = raw[at]
        shape = struct.unpack_from(f"<{rank}I", raw, at + 1)
        at += 1 + 4 * rank
        table.append((name, shape))
    tensors = {}
    for name, shape in table:
        size = int(np.prod(shape))
        tensors[name] = np.frombuffer(raw, "<f2", size, at).astype(np.float64).reshape(shape)
        at += 2 * size
    assert at == len(raw)
    return tensors, hashlib.sha256(raw).hexdigest()


def pad_same(x, kernel, stride):
    """TensorFlow SAME: output ceil(n / stride); an odd padding puts the extra pixel after."""
    _, h, w = x.shape
    pads = []
    for n in (h, w):
        out = -(-n // stride)
        total = max((out - 1) * stride + kernel - n, 0)
        pads.append((total // 2, total - total // 2))
    return np.pad(x, [(0, 0)] + pads), -(-h // stride), -(-w // stride)


def conv(x, weight, bias, stride, groups):
    """x (C, H, W); weight (O, C/groups, k, k)."""
    k = weight.shape[-1]
    xp, oh, ow = pad_same(x, k, stride)
    out = np.zeros((weight.shape[0], oh, ow))
    for ky in range(k):
        for kx in range(k):
            window = xp[:, ky : ky + stride * oh : stride, kx : kx + stride * ow : stride]
            if groups == 1:
                out += np.einsum("oc,chw->ohw", weight[:, :, ky, kx], window)
            else:
                out += weight[:, 0, ky, kx][:, None, None] * window
    return out + bias[:, None, None]


def relu6(x):
    return np.clip(x, 0, 6)


def embed(tensors, x):
    """x: (3, 224, 224) in -1..1. Returns the unit-length 1280-d pooled feature."""
    t = lambda name: (tensors[name + ".weight"], tensors[name + ".bias"])
    x = relu6(conv(x, *t("_conv_stem"), 2, 1))
    index = 0
    for repeats, kernel, stride, expansion, inputs, outputs in STAGES:
        for r in range(repeats):
            cin, s = (inputs, stride) if r == 0 else (outputs, 1)
            p = f"_blocks.{index}"
            y = x
            if expansion != 1:
                y = relu6(conv(y, *t(p + "._expand_conv"), 1, 1))
            w, b = t(p + "._depthwise_conv")
            assert w.shape[-1] == kernel
            y = relu6(conv(y, w, b, s, y.shape[0]))
            y = conv(y, *t(p + "._project_conv"), 1, 1)
            if s == 1 and cin == outputs:
                y = y + x
            x = y
            index += 1
    x = relu6(conv(x, *t("_conv_head"), 1, 1))
    pooled = x.mean(axis=(1, 2))
    return pooled / np.linalg.norm(pooled)


def formula_tensor():
    """The network's input itself, channel-last as the Rust test builds it, then channel-first."""
    y, x, c = np.meshgrid(np.arange(224), np.arange(224), np.arange(3), indexing="ij")
    v = np.sin(0.031 * x * (c + 1) + 0.017 * y * (3 - c) + c) * np.cos(0.023 * (x - y))
    return v.astype(np.float32).astype(np.float64).transpose(2, 0, 1)


def formula_rgb(width, height):
    """8-bit RGB by integer formulas: a diagonal ramp, a disc, a product pattern."""
    y, x = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
    r = (x * 7 + y * 3) % 256
    g = np.where((x - width // 2) ** 2 + (y - height // 2) ** 2 < (height // 3) ** 2, 230, 40)
    b = (x * y // 16) % 256
    return np.stack([r, g, b], axis=-1).astype(np.uint8)


def area_matrix(source, target):
    """target × source: each output pixel averages the source stretch it covers."""
    scale = source / target
    m = np.zeros((target, source))
    for i in range(target):
        start, end = i * scale, (i + 1) * scale
        for p in range(int(np.floor(start)), min(int(np.ceil(end)), source)):
            m[i, p] = max(0.0, min(end, p + 1) - max(start, p)) / scale
    return m


def preprocess(rgb):
    """Centred square, area-resized to 224, scaled to -1..1; channel-first."""
    h, w, _ = rgb.shape
    side = min(w, h)
    top, left = (h - side) // 2, (w - side) // 2
    square = rgb[top : top + side, left : left + side].astype(np.float64)
    a = area_matrix(side, 224)
    resized = np.einsum("ys,sxc,tx->cyt", a, square, a)
    return resized / 255 * 2 - 1


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    tensors, digest = read_weights(sys.argv[1])
    cases = {
        "formula_tensor": embed(tensors, formula_tensor()),
        "formula_rgb_320x240": embed(tensors, preprocess(formula_rgb(320, 240))),
    }
    out = {
        "about": "scripts/vision-reference.py: numpy, float64, from the converted weights below",
        "weights_sha256": digest,
        "embeddings": {k: [float(f"{v:.7g}") for v in e] for k, e in cases.items()},
    }
    path = "crates/vision/tests/reference.json"
    with open(path, "w") as file:
        json.dump(out, file, indent=0)
        file.write("\n")
    for name, e in cases.items():
        print(name, "first values", np.round(e[:5], 5), "nonzero", int((e > 0).sum()))
    print("wrote", path)


if __name__ == "__main__":
    main()
