#!/usr/bin/python3
"""`gridnmf convert` of IDX image files (MNIST / Fashion-MNIST format), plain
and gzip, at 1 and 3 ranks: V = pixels x images equals numpy's reading,
labels arrive as /col_labels; malformed files fail with one line and leave
nothing behind."""
import glob
import gzip
import os
import struct
import subprocess
import tempfile
import unittest

import h5py
import numpy as np

import harness
from harness import Paths

FASHION = "/usr/share/datasets/fashion-mnist"


def idx_bytes(array, code=0x08):
    header = bytes([0, 0, code, array.ndim]) + b"".join(struct.pack(">i", d) for d in array.shape)
    return header + array.tobytes()


class ConvertIdx(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_idx_")
        rng = np.random.default_rng(3)
        cls.images = rng.integers(0, 256, (41, 6, 9), dtype=np.uint8)
        cls.labels = rng.integers(0, 10, 41, dtype=np.uint8)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def write(self, name, content, gz=False):
        path = self.path(name)
        with (gzip.open(path, "wb") if gz else open(path, "wb")) as f:
            f.write(content)
        return path

    @staticmethod
    def read_bytes(path):
        with open(path, "rb") as f:
            return f.read()

    def convert(self, ranks, *args):
        return subprocess.run([Paths.mpiexec, "-n", str(ranks), "--oversubscribe", Paths.gridnmf,
                               "convert", *map(str, args)], capture_output=True, text=True,
                              timeout=60)

    def test_plain_and_gzip_at_1_and_3_ranks_equal_numpy(self):
        for gz in (False, True):
            suffix = ".gz" if gz else ""
            images = self.write(f"set{int(gz)}-images-idx3-ubyte{suffix}", idx_bytes(self.images),
                                gz)
            self.write(f"set{int(gz)}-labels-idx1-ubyte{suffix}", idx_bytes(self.labels), gz)
            for ranks in (1, 3):
                out = self.path(f"out_{int(gz)}_{ranks}.h5")
                done = self.convert(ranks, "--input", images, "--output", out)
                self.assertEqual(done.returncode, 0, done.stderr)
                with h5py.File(out) as f:
                    np.testing.assert_array_equal(f["V"][:], self.images.reshape(41, 54).T)
                    self.assertEqual(f["V"].dtype, np.uint8)
                    np.testing.assert_array_equal(f["col_labels"][:], self.labels)
                    self.assertEqual(f.attrs["image_rows"], 6)
                    self.assertEqual(f.attrs["image_cols"], 9)

    def test_malformed_files_fail_with_one_line(self):
        good = idx_bytes(self.images)
        int_images = idx_bytes(self.images.astype(">i4"), code=0x0C)
        cases = [
            ("truncated-images-idx3-ubyte", good[:-100], "is truncated"),
            ("short-header-images-idx3-ubyte", good[:9], "truncated in its header"),
            ("extra-images-idx3-ubyte", good + b"\0" * 7, "bytes after"),
            ("int-images-idx3-ubyte", int_images, "unsigned-byte"),
            ("wrongdims-images-idx3-ubyte", idx_bytes(self.images.reshape(41, 6, 9, 1)),
             "has 4 dimensions"),
        ]
        self.write("lab-labels-idx1-ubyte", idx_bytes(self.labels[:40]))
        images_ok = self.write("lab-images-idx3-ubyte", good)
        runs = [(self.write(name, content), message) for name, content, message in cases]
        runs.append((images_ok, "holds 40 labels for 41 images"))
        for ranks in (1, 3):
            for source, message in runs:
                with self.subTest(file=os.path.basename(source), ranks=ranks):
                    out = self.path("never.h5")
                    before = self.read_bytes(source)
                    done = self.convert(ranks, "--input", source, "--output", out)
                    self.assertEqual(done.returncode, 1, done.stderr)
                    lines = [l for l in done.stderr.splitlines()
                             if l.startswith("gridnmf: error:")]
                    self.assertEqual(len(lines), 1, done.stderr)
                    self.assertIn(message, lines[0])
                    self.assertFalse(os.path.exists(out))
                    self.assertEqual(glob.glob(out + ".*"), [])
                    self.assertEqual(self.read_bytes(source), before)

    def test_fashion_mnist_test_set_when_installed(self):
        images = os.path.join(FASHION, "t10k-images-idx3-ubyte.gz")
        if not os.path.exists(images):
            self.skipTest(f"{images} not installed (Debian package dataset-fashion-mnist)")
        out = self.path("fashion.h5")
        done = self.convert(2, "--input", images, "--output", out)
        self.assertEqual(done.returncode, 0, done.stderr)
        with gzip.open(images) as f:
            expected = np.frombuffer(f.read()[16:], dtype=np.uint8).reshape(10000, 784).T
        with h5py.File(out) as f:
            np.testing.assert_array_equal(f["V"][:], expected)
            self.assertEqual(f["col_labels"].shape, (10000,))


if __name__ == "__main__":
    harness.main()
