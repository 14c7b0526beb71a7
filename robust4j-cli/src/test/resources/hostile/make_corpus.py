#!/usr/bin/env python3
"""Writes the small hostile inputs of HostileInputTest into this folder (deterministic; needs numpy).

Run from anywhere: python3 make_corpus.py. Large inputs (an 8 MB YAML file, a 200 MB HTTP answer,
oversized metadata, tampered model directories) are made by the test itself at run time.
"""
import gzip
import io
import os
import shutil
import struct
import zipfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
os.chdir(HERE)


def write(path, data):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def npy_bytes(array):
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=False)
    return buf.getvalue()


def npy_header(header_text, version=1):
    text = header_text.encode("latin1")
    if version == 1:
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text
    return b"\x93NUMPY\x02\x00" + struct.pack("<I", len(text)) + text


def png(width, height, grey=True):
    """A valid PNG header declaring width x height, with a tiny (short) image stream."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0 if grey else 2, 0, 0, 0)
    raw = b"\x00" * (min(width, 64) + 1) * 4
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def real_png(width, height, value):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + bytes([value]) * width for _ in range(height))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


for d in ("npy", "npz", "idx", "csv", "images", "models", "config", "labels"):
    shutil.rmtree(d, ignore_errors=True)

rng = np.random.default_rng(0)
good_x = rng.random((4, 1, 28, 28), dtype=np.float32)

# --- NPY ---
write("npy/garbage.npy", b"this is not a numpy file at all\n")
write("npy/huge-shape.npy", npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }".ljust(117) + "\n"))
write("npy/long-header.npy", npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': '" + "A" * 5000 + "' }\n"))
write("npy/object.npy", npy_header("{'descr': '|O', 'fortran_order': False, 'shape': (4,), }".ljust(117) + "\n") + b"\x00" * 32)
nan = good_x.copy()
nan[2, 0, 3, 4] = np.nan
write("npy/nan.npy", npy_bytes(nan))
write("npy/fortran.npy", npy_bytes(np.asfortranarray(rng.random((4, 784), dtype=np.float32))))
write("npy/trailing.npy", npy_bytes(good_x) + b"extra")
write("npy/truncated.npy", npy_bytes(good_x)[:-100])
write("npy/version9.npy", b"\x93NUMPY\x09\x00" + npy_bytes(good_x)[8:])
write("npy/negative-dim.npy", npy_header("{'descr': '<f4', 'fortran_order': False, 'shape': (-4, 784), }".ljust(117) + "\n"))
write("npy/structured.npy", npy_header("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (4,), }".ljust(117) + "\n") + b"\x00" * 16)
write("npy/good-x.npy", npy_bytes(good_x))

# --- labels ---
write("labels/ten.npy", npy_bytes(np.array([0, 1, 2, 10], dtype=np.int64)))
write("labels/four.npy", npy_bytes(np.array([0, 1, 2, 3], dtype=np.int64)))
write("labels/three.npy", npy_bytes(np.array([0, 1, 2], dtype=np.int64)))
write("labels/negative.npy", npy_bytes(np.array([0, 1, -2, 3], dtype=np.int64)))
write("labels/fraction.npy", npy_bytes(np.array([0, 1, 2.5, 3], dtype=np.float32)))
write("labels/gap.npy", npy_bytes(np.array([0, 1, 3, 3], dtype=np.int64)))
write("labels/targets-ten.npy", npy_bytes(np.array([1, 2, 10, 4], dtype=np.int64)))

# --- NPZ ---
def npz(path, entries, method=zipfile.ZIP_STORED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = method
            z.writestr(info, data)
    write(path, buf.getvalue())
    return buf.getvalue()

x_bytes = npy_bytes(good_x)
y_bytes = npy_bytes(np.array([0, 1, 2, 3], dtype=np.int64))
data = bytearray(npz("npz/crc.npz", [("x.npy", x_bytes), ("y.npy", y_bytes)]))
# Zero 400 bytes of x's data (the stored entry starts after its local header): the CRC no longer matches.
start = data.index(b"\x93NUMPY") + 200
data[start:start + 400] = b"\x00" * 400
write("npz/crc.npz", bytes(data))
npz("npz/escape.npz", [("../x.npy", x_bytes), ("y.npy", y_bytes)])
npz("npz/duplicate.npz", [("x.npy", x_bytes), ("x.npy", x_bytes)])
write("npz/not-zip.npz", b"PK\x03\x04" + b"\xff" * 60)
npz("npz/no-arrays.npz", [("readme.txt", b"hello")])
npz("npz/bad-entry.npz", [("x.npy", b"garbage garbage"), ("y.npy", y_bytes)])
# A deflated entry whose central directory claims 1 GiB: refused from the sizes, before inflating.
bomb = bytearray(npz("npz/bomb.npz", [("x.npy", x_bytes), ("y.npy", y_bytes)], zipfile.ZIP_DEFLATED))
cd = bomb.index(b"PK\x01\x02")
struct.pack_into("<I", bomb, cd + 24, 1 << 30)  # uncompressed size of the first entry
struct.pack_into("<I", bomb, 22, 1 << 30)       # and in its local header
write("npz/bomb.npz", bytes(bomb))

# --- IDX ---
write("idx/bad-magic.idx", b"\x01\x02\x08\x03" + b"\x00" * 20)
write("idx/huge-dims.idx", b"\x00\x00\x08\x03" + struct.pack(">III", 65535, 65535, 65535))
write("idx/huge-dims.idx.gz", gzip.compress(b"\x00\x00\x0d\x03" + struct.pack(">III", 1, 20000, 20000), mtime=0))
write("idx/negative-dim.idx", b"\x00\x00\x08\x02" + struct.pack(">ii", -5, 10))
write("idx/truncated.idx", b"\x00\x00\x08\x03" + struct.pack(">III", 4, 28, 28) + b"\x00" * 100)
write("idx/bad-type.idx", b"\x00\x00\x07\x01" + struct.pack(">I", 4) + b"\x00" * 4)

# --- CSV ---
write("csv/ragged.csv", b"label,a,b\n0,0.1,0.2\n1,0.3\n")
write("csv/nan.csv", b"label,a,b\n0,0.1,0.2\n1,nan,0.4\n")
write("csv/text.csv", b"label,a,b\n0,0.1,0.2\n1,hello,0.4\n")
write("csv/negative-label.csv", b"label,a,b\n0,0.1,0.2\n-1,0.3,0.4\n")
write("csv/empty.csv", b"")
write("csv/header-only.csv", b"label,a,b\n")
write("csv/binary.csv", bytes(range(256)) * 4)
write("csv/open-quote.csv", b"label,a,b\n0,0.1,0.2\n1,\"0.3,0.4\n")

# --- image folders ---
for name, (w, h) in {"big-12000": (12000, 12000), "huge-65535": (65535, 65535), "mid-4000": (4000, 4000)}.items():
    for c in ("a", "b"):
        write(f"images/{name}/{c}/1.png", png(w, h))
write("images/garbage/a/1.png", b"not a png")
write("images/garbage/b/1.png", real_png(28, 28, 100))
write("images/empty-class/a/1.png", real_png(28, 28, 100))
os.makedirs("images/empty-class/b", exist_ok=True)
write("images/empty-class/b/readme.txt", b"no image here")
write("images/mixed-sizes/a/1.png", real_png(28, 28, 100))
write("images/mixed-sizes/b/1.png", real_png(29, 28, 100))
write("images/zero-width/a/1.png", png(0, 28))
write("images/zero-width/b/1.png", png(0, 28))
write("images/wrong-size/a/1.png", real_png(32, 32, 10))
write("images/wrong-size/b/1.png", real_png(32, 32, 200))

# --- models ---
write("models/garbage.pt", b"PK\x03\x04 this is not a TorchScript archive" + bytes(range(256)))
write("models/empty.pt", b"")
write("models/garbage.onnx", b"\x08\x07\x12\x04junk" + bytes(range(256)))

# --- config ---
write("config/list.yaml", b"- just\n- a list\n")
write("config/unknown-key.yaml", b"data: sample\nattacks: [fgsm]\ntarget_success_rate: 0.2\nmodle: x.pt\n")
write("config/bad-rate.yaml", b"data: sample\nattacks: [fgsm]\ntarget_success_rate: 7\n")
write("config/not-yaml.yaml", b"data: [unclosed\n  - : : :\n")
write("config/aliases.yaml", ("a: &a [" + ",".join(["x"] * 10) + "]\n"
                              + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n"
                                        for i in range(8))).encode())
write("config/binary.yaml", bytes(range(256)))
write("config/bad-device.yaml", b"data: sample\nattacks: [fgsm]\ntarget_success_rate: 0.2\ndevice: tpu\n")
write("config/absent-gpu.yaml", b"data: sample\nattacks: [fgsm]\ntarget_success_rate: 0.2\ndevice: gpu:9999\n")
write("config/deep.yaml", b"data: " + b"[" * 100000 + b"]" * 100000 + b"\n")
print("wrote the hostile corpus to", HERE)
