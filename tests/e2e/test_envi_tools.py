#!/usr/bin/python3
"""End-to-end tests of ENVI input, `gridnmf convert`, `gridnmf evaluate` and
scripts/plot_unmixing.py: ENVI files written with numpy for every interleave,
data type and byte order convert to exactly the expected HDF5 layout on 1 and
3 ranks; factorize reads a .hdr directly with the same result as the
converted file; evaluate agrees with a numpy computation over all
permutations; the plot script writes valid PNGs."""
import glob
import itertools
import json
import os
import subprocess
import sys
import tempfile
import unittest

import h5py
import numpy as np

import harness
from harness import Paths

TIMEOUT = 120
SHARED_DATA = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data")
PLOT_SCRIPT = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "plot_unmixing.py")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# ENVI data type code -> numpy type (native byte order is set per file).
ENVI_TYPES = {1: "u1", 2: "i2", 3: "i4", 4: "f4", 5: "f8", 12: "u2"}


def run(ranks, *args, expect=0):
    command = [Paths.mpiexec, "-n", str(ranks), Paths.gridnmf, *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    if expect is not None and done.returncode != expect:
        raise AssertionError(f"{' '.join(command)} exited {done.returncode}, expected {expect}\n"
                             f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}")
    return done


def error_lines(done):
    """The gridnmf error lines of a failed run (mpiexec adds its own text)."""
    return [line for line in done.stderr.splitlines() if line.startswith("gridnmf: error:")]


def image_values(lines, samples, bands, code, seed):
    """image[line, sample, band] of distinct values exact in the type."""
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 250, size=(lines, samples, bands)).astype(np.float64)
    if code in (2, 3):
        base -= 100  # negative values check sign handling
    elif code in (4, 5):
        base += rng.random(size=base.shape)
    elif code == 12:
        base += 65000
    return base.astype(ENVI_TYPES[code])


def write_envi(base, image, code, interleave, byte_order, offset=0, extra=""):
    """Writes BASE.hdr and BASE.img; image is [line, sample, band]."""
    lines, samples, bands = image.shape
    order = {"bsq": (2, 0, 1), "bil": (0, 2, 1), "bip": (0, 1, 2)}[interleave]
    dtype = np.dtype(ENVI_TYPES[code]).newbyteorder(">" if byte_order else "<")
    with open(base + ".img", "wb") as stream:
        stream.write(b"\x7f" * offset)
        stream.write(np.ascontiguousarray(image.transpose(order)).astype(dtype).tobytes())
    with open(base + ".hdr", "w") as stream:
        stream.write(f"ENVI\ndescription = {{numpy test image}}\nsamples = {samples}\n"
                     f"lines = {lines}\nbands = {bands}\nheader offset = {offset}\n"
                     f"file type = ENVI Standard\ndata type = {code}\ninterleave = {interleave}\n"
                     f"byte order = {byte_order}\n{extra}")
    return base + ".hdr"


def as_matrix(image):
    """V (bands x pixels), pixel j = line j % lines, sample j // lines."""
    lines, samples, bands = image.shape
    return image.transpose(2, 1, 0).reshape(bands, samples * lines)


class EnviTools(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_envi_e2e_")
        cls.dir = cls.tmp.name

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def test_convert_every_type_interleave_and_byte_order(self):
        combos = list(itertools.product(sorted(ENVI_TYPES), ("bsq", "bil", "bip"), (0, 1)))
        wavelengths = [400.0 + 12.5 * b for b in range(6)]
        extra = "wavelength units = nm\nwavelength = {" + ", ".join(map(str, wavelengths)) + "}\n"
        for index, (code, interleave, byte_order) in enumerate(combos):
            label = f"type {code} {interleave} byte order {byte_order}"
            image = image_values(5, 7, 6, code, seed=index)
            header = write_envi(self.path(f"c{index}"), image, code, interleave, byte_order,
                                offset=(index % 4) * 9, extra=extra)
            ranks = 1 if index % 2 == 0 else 3
            output = self.path(f"c{index}.h5")
            run(ranks, "convert", "--input", header, "--output", output, "--quiet")
            expected = as_matrix(image).astype(np.dtype(ENVI_TYPES[code]).newbyteorder("<"))
            with h5py.File(output, "r") as f:
                v = f["V"][...]
                self.assertEqual(v.dtype, expected.dtype, label)
                self.assertEqual(v.tobytes(), expected.tobytes(), label)  # bitwise
                self.assertEqual((f.attrs["rows"], f.attrs["cols"]), (5, 7), label)
                self.assertEqual((f.attrs["bands"], f.attrs["pixels"]), (6, 35), label)
                np.testing.assert_array_equal(f["wavelengths"][...], wavelengths)
                self.assertEqual(f.attrs["wavelength_units"], "nm")
            self.assertEqual(glob.glob(output + ".*"), [], "no temporary file is left")

    def test_convert_precision_and_ignore_value(self):
        image = image_values(4, 3, 5, 12, seed=99)
        image[1, 2, :] = 65535
        image[0, 0, 3] = 65535
        header = write_envi(self.path("ignore"), image, 12, "bil", 1,
                            extra="data ignore value = 65535\n")
        output = self.path("ignore.h5")
        done = run(2, "convert", "--input", header, "--output", output, "--precision", "float32")
        self.assertIn("read 6 values equal to the data ignore value as 0", done.stdout)
        expected = as_matrix(image).astype(np.float32)
        expected[expected == 65535] = 0
        with h5py.File(output, "r") as f:
            self.assertEqual(f["V"].dtype, np.float32)
            np.testing.assert_array_equal(f["V"][...], expected)
            self.assertEqual(f.attrs["ignored_values_replaced"], 6)
            self.assertEqual(f.attrs["data_ignore_value"], 65535.0)

    def test_factorize_reads_envi_like_the_converted_file(self):
        image = image_values(9, 8, 12, 12, seed=5).astype(np.float64) - 64990.0
        image = np.abs(image).astype(np.uint16)
        header = write_envi(self.path("fact"), image, 12, "bip", 0)
        converted = self.path("fact.h5")
        run(1, "convert", "--input", header, "--output", converted, "--quiet")
        common = ["--rank", 3, "--algorithm", "hals", "--max-iter", 15, "--seed", 4, "--quiet"]
        for ranks in (1, 3):
            from_envi, from_h5 = self.path(f"fe{ranks}.h5"), self.path(f"fh{ranks}.h5")
            run(ranks, "factorize", "--input", header, "--output", from_envi, *common)
            run(ranks, "factorize", "--input", converted, "--output", from_h5, *common)
            with h5py.File(from_envi, "r") as a, h5py.File(from_h5, "r") as b:
                np.testing.assert_array_equal(a["W"][...], b["W"][...])
                np.testing.assert_array_equal(a["H"][...], b["H"][...])

    def test_malformed_header_fails_once_with_the_key_and_writes_nothing(self):
        image = image_values(3, 3, 2, 4, seed=1)
        header = write_envi(self.path("bad"), image, 4, "bsq", 0)
        with open(header, "a") as stream:
            stream.write("wavelength = {1, 2\n")
        output = self.path("bad.h5")
        done = run(3, "convert", "--input", header, "--output", output, expect=1)
        lines = error_lines(done)
        self.assertEqual(len(lines), 1, done.stderr)
        self.assertIn("'wavelength' has an unterminated '{'", lines[0])
        self.assertFalse(os.path.exists(output))
        self.assertEqual(glob.glob(output + "*"), [])
        # The raw file one byte short of what the header needs.
        header = write_envi(self.path("short"), image, 4, "bip", 0)
        with open(self.path("short.img"), "r+b") as stream:
            stream.truncate(3 * 3 * 2 * 4 - 1)
        done = run(2, "factorize", "--input", header, "--rank", 1, "--output", output, expect=1)
        self.assertIn("bytes but the header needs 72", error_lines(done)[0])
        # Writing over the raw file would destroy the input: a usage error.
        header = write_envi(self.path("keep"), image, 4, "bsq", 0)
        raw = self.path("keep.img")
        before = open(raw, "rb").read()
        done = run(1, "convert", "--input", header, "--output", raw, expect=2)
        self.assertIn("is an input file", error_lines(done)[0])
        self.assertEqual(open(raw, "rb").read(), before)

    # ---- evaluate ----

    def write_truth(self, path, w, h, names):
        with h5py.File(path, "w") as f:
            f["W_true"], f["H_true"] = w, h
            f["endmember_names"] = np.array(names, dtype="S8")

    def write_result(self, path, w, h, shape=None):
        with h5py.File(path, "w") as f:
            f["W"], f["H"] = w, h
            if shape:
                f.attrs["image_rows"], f.attrs["image_cols"] = shape

    @staticmethod
    def numpy_scores(w_true, h_true, w, h):
        a = w_true / np.linalg.norm(w_true, axis=0)
        b = w / np.linalg.norm(w, axis=0)
        sad = np.arccos(np.clip(a.T @ b, -1, 1))
        k = sad.shape[0]
        best = min(itertools.permutations(range(k)), key=lambda p: sum(sad[t, p[t]] for t in range(k)))
        h_norm = h / h.sum(axis=0)
        rmse = np.sqrt(np.mean((h_norm[list(best), :] - h_true) ** 2))
        return list(best), [sad[t, best[t]] for t in range(k)], rmse

    def test_evaluate_agrees_with_numpy(self):
        rng = np.random.default_rng(11)
        m, k, rows, cols = 20, 5, 6, 7
        w_true = rng.random((m, k)) + 0.1
        h_true = rng.dirichlet(np.ones(k), size=rows * cols).T
        order = [3, 0, 4, 1, 2]
        w = (w_true + 0.15 * rng.random((m, k)))[:, order] * 7.0
        h = (h_true + 0.1 * rng.random((k, rows * cols)))[order, :] * 3.0
        truth, result, report = self.path("t.h5"), self.path("r.h5"), self.path("e.json")
        names = ["alpha", "beta", "gamma", "delta", "eps"]
        self.write_truth(truth, w_true, h_true, names)
        self.write_result(result, w, h)
        done = run(2, "evaluate", "--result", result, "--truth", truth, "--json", report)
        with open(report) as stream:
            scores = json.load(stream)
        permutation, sad, rmse = self.numpy_scores(w_true, h_true, w, h)
        self.assertEqual(scores["permutation"], permutation)
        self.assertEqual(permutation, [order.index(t) for t in range(k)])
        np.testing.assert_allclose(scores["sad"], sad, rtol=1e-10, atol=1e-13)
        self.assertAlmostEqual(scores["mean_sad"], float(np.mean(sad)), places=12)
        self.assertAlmostEqual(scores["rmse"], float(rmse), places=12)
        self.assertEqual([e["name"] for e in scores["endmembers"]], names)
        for name in names:
            self.assertIn(name, done.stdout)
        self.assertIn("mSAD", done.stdout)

        # The truth against itself scores exactly zero.
        self.write_result(self.path("same.h5"), w_true, h_true)
        run(1, "evaluate", "--result", self.path("same.h5"), "--truth", truth, "--json", report)
        with open(report) as stream:
            scores = json.load(stream)
        self.assertEqual(scores["permutation"], list(range(k)))
        self.assertEqual(scores["mean_sad"], 0.0)
        self.assertLess(scores["rmse"], 1e-15)  # the per-pixel scaling rounds

    def test_evaluate_shape_mismatches(self):
        rng = np.random.default_rng(3)
        truth = self.path("t3.h5")
        self.write_truth(truth, rng.random((10, 3)), rng.random((3, 12)), ["a", "b", "c"])
        cases = [
            ((10, 4), (4, 12), "different number of endmembers"),
            ((11, 3), (3, 12), "different number of bands"),
            ((10, 3), (3, 13), "different number of pixels"),
            ((10, 3), (2, 12), "/W is 10 x 3 but /H is 2 x 12"),
        ]
        report = self.path("mismatch.json")
        for w_shape, h_shape, message in cases:
            result = self.path("mismatch.h5")
            self.write_result(result, rng.random(w_shape), rng.random(h_shape))
            done = run(2, "evaluate", "--result", result, "--truth", truth, "--json", report,
                       expect=1)
            lines = error_lines(done)
            self.assertEqual(len(lines), 1, done.stderr)
            self.assertIn(message, lines[0])
            self.assertFalse(os.path.exists(report))
        done = run(1, "evaluate", "--result", self.path("nothing.h5"), "--truth", truth, expect=1)
        self.assertIn("does not exist", error_lines(done)[0])

    def test_evaluate_shared_truth_against_itself(self):
        path = os.path.join(SHARED_DATA, "samson.h5")
        if not os.path.exists(path):
            self.skipTest(f"shared data not found at {SHARED_DATA}")
        with h5py.File(path, "r") as f:
            w_true, h_true = f["W_true"][...], f["H_true"][...]
        order = [2, 0, 1]
        result, report = self.path("samson_result.h5"), self.path("samson.json")
        self.write_result(result, w_true[:, order] * 2.0, h_true[order, :] * 4.0)
        run(2, "evaluate", "--result", result, "--truth", path, "--json", report)
        with open(report) as stream:
            scores = json.load(stream)
        self.assertEqual(scores["permutation"], [1, 2, 0])
        self.assertLess(scores["mean_sad"], 1e-7)
        self.assertLess(scores["rmse"], 1e-12)
        self.assertEqual([e["name"] for e in scores["endmembers"]], ["Soil", "Tree", "Water"])

    # ---- pictures ----

    def plot(self, *args, expect=0):
        done = subprocess.run([sys.executable, PLOT_SCRIPT, *map(str, args)], capture_output=True,
                              text=True, timeout=TIMEOUT)
        self.assertEqual(done.returncode, expect, done.stderr)
        return done

    def test_plot_script_writes_valid_pngs(self):
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            self.skipTest("python3-matplotlib is not installed (scripts/setup.sh installs it)")
        rng = np.random.default_rng(8)
        m, k, rows, cols = 15, 3, 6, 4
        w_true = rng.random((m, k))
        h_true = rng.dirichlet(np.ones(k), size=rows * cols).T
        truth, result = self.path("pt.h5"), self.path("pr.h5")
        self.write_truth(truth, w_true, h_true, ["sand", "leaf", "lake"])
        self.write_result(result, w_true[:, [1, 2, 0]], h_true[[1, 2, 0], :], shape=(rows, cols))
        with h5py.File(result, "a") as f:
            f["wavelengths"] = np.linspace(400, 900, m)
        report = self.path("pe.json")
        run(1, "evaluate", "--result", result, "--truth", truth, "--json", report, "--quiet")
        for extra in (["--truth", truth], ["--truth", truth, "--evaluation", report]):
            folder = self.path(f"pics{len(extra)}")
            done = self.plot("--result", result, "--output-dir", folder, *extra)
            pngs = sorted(glob.glob(os.path.join(folder, "*.png")))
            self.assertEqual(len(pngs), k + 1, done.stdout)
            for png in pngs:
                with open(png, "rb") as stream:
                    self.assertEqual(stream.read(8), PNG_SIGNATURE, png)
            names = " ".join(os.path.basename(p) for p in pngs)  # matched names from the truth
            for name in ("sand", "leaf", "lake"):
                self.assertIn(name, names)
        # No image shape in the file: a clear error unless --image-shape is given.
        bare = self.path("bare.h5")
        self.write_result(bare, w_true, h_true)
        done = self.plot("--result", bare, "--output-dir", self.path("bare"), expect=1)
        self.assertIn("--image-shape", done.stderr)
        self.assertEqual(len(done.stderr.strip().splitlines()), 1)
        self.plot("--result", bare, "--output-dir", self.path("bare"), "--image-shape", "6x4")
        self.assertEqual(len(glob.glob(os.path.join(self.path("bare"), "*.png"))), k + 1)
        done = self.plot("--result", bare, "--output-dir", self.path("bare"), "--image-shape", "5x4",
                         expect=1)
        self.assertIn("does not hold the 24 pixels", done.stderr)


if __name__ == "__main__":
    harness.main()
