#!/usr/bin/python3
"""Issue 16: a seeded, reproducible fuzz of malformed inputs. 200 files
are made from valid ones by random mutations that each make the input
invalid: dense HDF5 datasets (shapes, types, values, links, truncation),
sparse CSR/CSC groups (lengths, indices, offsets, attributes), ENVI headers
(keys, values, binary junk, raw file size) and --config files. For each,
gridnmf must exit with 1 or 2, print exactly one "gridnmf: error:" line
without raw control bytes, end within TIME_LIMIT seconds, leave no output or
temporary file, and leave every input byte for byte as it was. Set
GRIDNMF_FUZZ_SEED to replay another corpus; a failure names its case."""
import os
import random
import subprocess
import tempfile
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

import h5py
import numpy as np

import harness
from failure_checks import TIME_LIMIT, WORKERS, error_lines
from harness import Paths

SEED = int(os.environ.get("GRIDNMF_FUZZ_SEED", "16"))
CASES = {"dense": 60, "sparse": 60, "envi": 45, "config": 35}
JUNK = [b"\x1b[31m", b"\x00", b"\xff\xfe", b"\x07", b"\r", b"\x1b]0;x\x07", b"\xc3\x28"]


def junk(rng):
    return b"".join(rng.choice(JUNK) + bytes([rng.randrange(0x21, 0x7f)])
                    for _ in range(rng.randrange(1, 30)))


# ---- dense HDF5: each mutation alone makes the input invalid ----------------

def dense_values(rng):
    return np.random.default_rng(rng.randrange(2**32)).uniform(0.1, 1.0,
                                                              (rng.randrange(4, 30),
                                                               rng.randrange(4, 30)))


def dense_mutation(rng, f, v):
    kind = rng.choice(["nan", "inf", "negative", "zeros", "ndim1", "ndim3", "empty", "string",
                       "compound", "enum", "missing", "dangling", "group", "external"])
    if kind in ("nan", "inf", "negative"):
        bad = v.copy()
        cells = rng.randrange(1, 5)
        for _ in range(cells):
            bad[rng.randrange(v.shape[0]), rng.randrange(v.shape[1])] = {
                "nan": np.nan, "inf": np.inf, "negative": -rng.uniform(1e-300, 1e300)}[kind]
        f["V"] = bad.astype(rng.choice([np.float64, np.float32]))
    elif kind == "zeros":
        f["V"] = np.zeros(v.shape, dtype=rng.choice([np.float64, np.int32, np.uint8]))
    elif kind == "ndim1":
        f["V"] = v.ravel()
    elif kind == "ndim3":
        f["V"] = v.reshape(1, *v.shape)
    elif kind == "empty":
        f.create_dataset("V", shape=rng.choice([(0, v.shape[1]), (v.shape[0], 0)]),
                         dtype=np.float64)
    elif kind == "string":
        f["V"] = np.array([["x" * rng.randrange(1, 5)] * v.shape[1]] * v.shape[0],
                          dtype=h5py.string_dtype())
    elif kind == "compound":
        f["V"] = np.zeros(v.shape, dtype=[("a", "f8"), ("b", "i4")])
    elif kind == "enum":
        f.create_dataset("V", data=np.zeros(v.shape, dtype=np.uint8),
                         dtype=h5py.enum_dtype({"OFF": 0, "ON": 1}, basetype="u1"))
    elif kind == "missing":
        f["not_V"] = v
    elif kind == "dangling":
        f["V"] = h5py.SoftLink("/nowhere/" + str(rng.randrange(100)))
    elif kind == "group":
        g = f.create_group("V")
        g.attrs["format"] = rng.choice(["csr", "dense", "x"])
    else:
        f["V"] = h5py.ExternalLink("missing_%d.h5" % rng.randrange(100), "/V")
    return kind


def make_dense(rng, path):
    v = dense_values(rng)
    with h5py.File(path, "w") as f:
        kind = dense_mutation(rng, f, v)
    if rng.random() < 0.15:  # sometimes also truncated or overwritten after the fact
        data = open(path, "rb").read()
        cut = rng.choice(["truncate", "scribble"])
        if cut == "truncate":
            data = data[:rng.randrange(0, len(data))]
        else:
            start = rng.randrange(0, max(1, len(data) - 64))
            data = data[:start] + junk(rng)[:64] + data[start + 64:]
        open(path, "wb").write(data)
        kind += "+" + cut
    return kind, ["factorize", "--input", path, "--rank", 2]


# ---- sparse groups ----------------------------------------------------------

def make_sparse(rng, path):
    rows, cols = rng.randrange(4, 40), rng.randrange(4, 40)
    dense = np.random.default_rng(rng.randrange(2**32)).uniform(0.0, 1.0, (rows, cols))
    dense[dense < 0.6] = 0.0
    dense[0, 0] = 0.5
    fmt = rng.choice(["csr", "csc"])
    major = dense if fmt == "csr" else dense.T
    indptr = np.concatenate([[0], np.cumsum((major != 0).sum(axis=1))]).astype(np.int64)
    indices = np.nonzero(major)[1].astype(np.int64)
    data = major[major != 0]
    minor = cols if fmt == "csr" else rows
    kind = rng.choice(["indptr_length", "indptr_decreasing", "indptr_end", "indptr_start",
                       "index_high", "index_negative", "data_length", "data_nan",
                       "data_negative", "data_string", "indices_float", "shape_missing",
                       "shape_length", "shape_negative", "shape_string", "format",
                       "missing_dataset", "all_zero", "dataset_2d"])
    arrays = {"data": data, "indices": indices, "indptr": indptr}
    attrs = {"shape": np.array([rows, cols], np.int64), "format": fmt}
    if kind == "indptr_length":
        arrays["indptr"] = indptr[:-rng.randrange(1, 3)] if rng.random() < 0.5 else \
            np.concatenate([indptr, [indptr[-1]] * rng.randrange(1, 3)])
    elif kind == "indptr_decreasing":
        bad = indptr.copy()
        i = rng.randrange(1, len(bad) - 1)
        bad[i] = bad[-1] + rng.randrange(1, 5)
        arrays["indptr"] = bad
    elif kind == "indptr_end":
        bad = indptr.copy()
        bad[-1] += rng.choice([-1, 1, 1000])
        arrays["indptr"] = np.maximum.accumulate(np.maximum(bad, 0))
        if arrays["indptr"][-1] == len(data):
            arrays["indptr"][-1] += 1
    elif kind == "indptr_start":
        arrays["indptr"] = indptr + rng.randrange(1, 3)
    elif kind == "index_high":
        bad = indices.copy()
        bad[rng.randrange(len(bad))] = minor + rng.randrange(0, 1000)
        arrays["indices"] = bad
    elif kind == "index_negative":
        bad = indices.copy()
        bad[rng.randrange(len(bad))] = -rng.randrange(1, 100)
        arrays["indices"] = bad
    elif kind == "data_length":
        arrays["data"] = data[:-1] if rng.random() < 0.5 else np.concatenate([data, [1.0]])
    elif kind in ("data_nan", "data_negative"):
        bad = data.copy()
        bad[rng.randrange(len(bad))] = np.nan if kind == "data_nan" else -1.0
        arrays["data"] = bad
    elif kind == "data_string":
        arrays["data"] = np.array(["1"] * len(data), dtype=h5py.string_dtype())
    elif kind == "indices_float":
        arrays["indices"] = indices.astype(np.float64) + 0.5
    elif kind == "shape_missing":
        del attrs["shape"]
    elif kind == "shape_length":
        attrs["shape"] = np.array([rows, cols, 1][:rng.choice([1, 3])], np.int64)
    elif kind == "shape_negative":
        attrs["shape"] = np.array([-rows, cols], np.int64)
    elif kind == "shape_string":
        attrs["shape"] = f"{rows}x{cols}"
    elif kind == "format":
        attrs["format"] = rng.choice(["coo", "dense", "CSR?", "csr matrix"])
    elif kind == "missing_dataset":
        del arrays[rng.choice(list(arrays))]
    elif kind == "all_zero":
        arrays["data"] = np.zeros_like(data)
    else:
        arrays["data"] = data.reshape(1, -1)
    with h5py.File(path, "w") as f:
        g = f.create_group("V")
        for name, values in arrays.items():
            g[name] = values
        for name, value in attrs.items():
            g.attrs[name] = value
    return kind, ["factorize", "--input", path, "--rank", 2]


# ---- ENVI headers -------------------------------------------------------------

def make_envi(rng, path):
    samples, lines, bands = rng.randrange(2, 8), rng.randrange(2, 8), rng.randrange(3, 8)
    keys = {"samples": str(samples), "lines": str(lines), "bands": str(bands),
            "data type": "4", "interleave": rng.choice(["bsq", "bil", "bip"]),
            "byte order": "0", "header offset": "0"}
    raw_bytes = samples * lines * bands * 4
    kind = rng.choice(["no_envi", "drop_key", "bad_integer", "zero", "huge", "data_type",
                       "interleave", "byte_order", "offset", "short_raw", "no_raw",
                       "junk_line", "junk_value", "unterminated", "duplicate"])
    first, extra = b"ENVI", []
    if kind == "no_envi":
        first = rng.choice([b"ENV", b"", b"envi header", junk(rng)])
    elif kind == "drop_key":
        del keys[rng.choice(["samples", "lines", "bands", "data type"])]
    elif kind == "bad_integer":
        keys[rng.choice(["samples", "lines", "bands"])] = rng.choice(["x", "1.5", "", "1e99",
                                                                      "99999999999999999999"])
    elif kind == "zero":
        keys[rng.choice(["samples", "lines", "bands"])] = rng.choice(["0", "-3"])
    elif kind == "huge":
        keys["samples"] = keys["lines"] = str(10**9)
    elif kind == "data_type":
        keys["data type"] = rng.choice(["7", "8", "10", "11", "99", "-1", "float"])
    elif kind == "interleave":
        keys["interleave"] = rng.choice(["bsx", "", "BSQQ"])
    elif kind == "byte_order":
        keys["byte order"] = rng.choice(["2", "-1", "big"])
    elif kind == "offset":
        keys["header offset"] = str(rng.choice([-5, raw_bytes + 1, 10**12]))
    elif kind == "short_raw":
        raw_bytes = rng.randrange(0, raw_bytes)
    elif kind == "no_raw":
        raw_bytes = -1
    elif kind == "junk_line":
        extra.append(junk(rng))
    elif kind == "junk_value":
        key = rng.choice(["interleave", "data type", "samples"])
        keys[key] = None
        extra.append(key.encode() + b" = " + junk(rng))
    elif kind == "unterminated":
        extra.append(b"wavelength = {1, 2, 3")
    else:
        extra.append(b"samples = " + str(samples).encode())
    body = [first] + [f"{k} = {v}".encode() for k, v in keys.items() if v is not None] + extra
    with open(path, "wb") as f:
        f.write(b"\n".join(body) + b"\n")
    if raw_bytes >= 0:
        values = np.random.default_rng(rng.randrange(2**32)).uniform(0.1, 1.0, raw_bytes // 4)
        with open(path[:-4] + ".img", "wb") as f:
            f.write(values.astype("<f4").tobytes()[:raw_bytes])
    command = rng.choice([["factorize", "--input", path, "--rank", 2],
                          ["convert", "--input", path]])
    return kind, command


# ---- config files -------------------------------------------------------------

def make_config(rng, path, good_input):
    lines = [b"rank = 2", b"max-iter = 3"]
    kind = rng.choice(["unknown_key", "junk_value", "junk_line", "negative", "nan", "inf",
                       "huge", "no_equals", "duplicate", "binary", "empty_value"])
    if kind == "unknown_key":
        lines.append(rng.choice([b"rnak = 3", b"grid-size = 2", b"[section]\nfoo = 1"]))
    elif kind == "junk_value":
        lines.append(rng.choice([b"tol = ", b"max-iter = ", b"seed = "]) + junk(rng))
    elif kind == "junk_line":
        lines.append(junk(rng))
    elif kind == "negative":
        lines.append(rng.choice([b"tol = -1", b"max-iter = -5", b"l1-w = -0.5"]))
    elif kind == "nan":
        lines.append(rng.choice([b"tol = nan", b"l2-h = nan", b"pg-tol = nan"]))
    elif kind == "inf":
        lines.append(rng.choice([b"tol = inf", b"l1-w = inf", b"time-limit = inf"]))
    elif kind == "huge":
        lines[0] = b"rank = 99999999999999999999"
    elif kind == "no_equals":
        lines.append(b"max-iter 7")
    elif kind == "duplicate":
        lines.append(b"rank = 3")
    elif kind == "binary":
        lines = [bytes(rng.randrange(256) for _ in range(rng.randrange(10, 80)))]
        lines.append(b"\x00\x1b[2J = 1")
    else:
        lines.append(rng.choice([b"algorithm =", b"loss = ", b"init ="]))
        lines.append(b"tol = x")  # keeps the case invalid if an empty value were allowed
    rng.shuffle(lines)
    with open(path, "wb") as f:
        f.write(b"\n".join(lines) + b"\n")
    return kind, ["factorize", "--config", path, "--input", good_input]


def attempt(ranks, args):
    """One case: 1 rank as an MPI singleton (the executable alone, a third of
    mpiexec's start-up), more under mpiexec. Returns (process, seconds)."""
    prefix = [] if ranks == 1 else [Paths.mpiexec, "-n", str(ranks), "--oversubscribe"]
    started = time.monotonic()
    done = subprocess.run(prefix + [Paths.gridnmf, *map(str, args)], capture_output=True,
                          text=True, errors="backslashreplace", timeout=TIME_LIMIT + 30)
    return done, time.monotonic() - started


class Fuzz(unittest.TestCase):
    def test_malformed_inputs_fail_cleanly(self):
        rng = random.Random(SEED)
        with tempfile.TemporaryDirectory(prefix="gridnmf_fuzz_") as tmp:
            good = os.path.join(tmp, "good.h5")
            with h5py.File(good, "w") as f:
                f["V"] = np.random.default_rng(SEED).uniform(0.1, 1.0, (12, 10))
            cases = []
            for family, count in CASES.items():
                for i in range(count):
                    case_dir = os.path.join(tmp, f"{family}_{i:03d}")
                    os.mkdir(case_dir)
                    name = {"dense": "v.h5", "sparse": "v.h5", "envi": "v.hdr",
                            "config": "c.ini"}[family]
                    path = os.path.join(case_dir, name)
                    if family == "dense":
                        kind, args = make_dense(rng, path)
                    elif family == "sparse":
                        kind, args = make_sparse(rng, path)
                    elif family == "envi":
                        kind, args = make_envi(rng, path)
                    else:
                        kind, args = make_config(rng, path, good)
                    out_dir = os.path.join(case_dir, "out")
                    os.mkdir(out_dir)
                    ranks = 2 if i % 5 == 4 else 1
                    cases.append((f"{family}_{i:03d}:{kind}", ranks,
                                  args + ["--output", os.path.join(out_dir, "o.h5")],
                                  case_dir, out_dir))
            inputs = {}
            for *_, case_dir, out_dir in cases:
                for name in os.listdir(case_dir):
                    p = os.path.join(case_dir, name)
                    if os.path.isfile(p):
                        inputs[p] = open(p, "rb").read()
            inputs[good] = open(good, "rb").read()
            started = time.monotonic()
            with ThreadPoolExecutor(max_workers=WORKERS) as pool:
                outcomes = list(pool.map(lambda case: attempt(case[1], case[2]), cases))
            seconds = time.monotonic() - started
            for (label, ranks, args, case_dir, out_dir), (done, took) in zip(cases, outcomes):
                with self.subTest(case=label, ranks=ranks):
                    self.assertIn(done.returncode, (1, 2), done.stderr)
                    self.assertLess(took, TIME_LIMIT)
                    lines = error_lines(done)
                    self.assertEqual(len(lines), 1, done.stderr)
                    self.assertFalse(any(ord(c) < 0x20 or ord(c) == 0x7f for c in lines[0]),
                                     repr(lines[0]))
                    self.assertNotIn("internal error", done.stderr)
                    self.assertEqual(os.listdir(out_dir), [])
            for p, content in inputs.items():
                with open(p, "rb") as f:
                    self.assertEqual(f.read(), content, p)
            print(f"{len(cases)} cases (seed {SEED}) in {seconds:.1f} s")


if __name__ == "__main__":
    harness.main()
