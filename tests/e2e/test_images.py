#!/usr/bin/python3
"""Parts of images: `gridnmf convert` of a folder of PNG/PGM images equals a
numpy reading at 1 and 3 ranks (bad folders fail with one line and leave
nothing behind); `factorize --sparseness-w/-h` holds the sparseness and is
refused where it does not apply; `gridnmf images` draws the expected tiles."""
import glob
import os
import struct
import subprocess
import tempfile
import unittest
import zlib

import h5py
import numpy as np
from matplotlib import image as mpimg

import harness
from harness import Paths


def png_bytes(array):
    """An 8-bit greyscale PNG of a 2-D uint8 array, written out by hand."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    rows, cols = array.shape
    raw = b"".join(b"\0" + array[r].tobytes() for r in range(rows))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", cols, rows, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def pgm_bytes(array, plain=False):
    rows, cols = array.shape
    maxval = 65535 if array.dtype == np.uint16 else 255
    if plain:
        body = "\n".join(" ".join(str(v) for v in row) for row in array)
        return f"P2\n# made by the test\n{cols} {rows}\n{maxval}\n{body}\n".encode()
    data = array.astype(">u2").tobytes() if maxval > 255 else array.tobytes()
    return f"P5\n{cols} {rows}\n{maxval}\n".encode() + data


def hoyer(x):
    n = x.size
    return (np.sqrt(n) - np.abs(x).sum() / np.linalg.norm(x)) / (np.sqrt(n) - 1)


class PartsOfImages(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_images_")
        rng = np.random.default_rng(7)
        cls.shape = (7, 5)
        cls.images = rng.integers(0, 256, (13, *cls.shape), dtype=np.uint8)
        cls.folder = cls.path("mixed")
        os.mkdir(cls.folder)
        for i, image in enumerate(cls.images):
            kind = i % 3
            name = f"img{i:02d}." + ("png" if kind == 0 else "pgm")
            content = png_bytes(image) if kind == 0 else pgm_bytes(image, plain=kind == 2)
            with open(os.path.join(cls.folder, name), "wb") as f:
                f.write(content)
        with open(os.path.join(cls.folder, "notes.txt"), "w") as f:
            f.write("not an image\n")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.tmp.name, name)

    def run_gridnmf(self, ranks, *args):
        return subprocess.run([Paths.mpiexec, "-n", str(ranks), "--oversubscribe", Paths.gridnmf,
                               *map(str, args)], capture_output=True, text=True, timeout=120)

    def assert_one_line_failure(self, done, message, code=1, output=None):
        self.assertEqual(done.returncode, code, done.stderr)
        lines = [l for l in done.stderr.splitlines() if l.startswith("gridnmf: error:")]
        self.assertEqual(len(lines), 1, done.stderr)
        self.assertIn(message, lines[0])
        if output is not None:
            self.assertFalse(os.path.exists(output))
            self.assertEqual(glob.glob(output + ".*"), [])

    def test_folder_at_1_and_3_ranks_equals_numpy(self):
        expected = self.images.reshape(len(self.images), -1).T
        for ranks in (1, 3):
            out = self.path(f"folder_{ranks}.h5")
            done = self.run_gridnmf(ranks, "convert", "--input", self.folder, "--output", out)
            self.assertEqual(done.returncode, 0, done.stderr)
            with h5py.File(out) as f:
                self.assertEqual(f["V"].dtype, np.uint8)
                np.testing.assert_array_equal(f["V"][:], expected)
                self.assertEqual(f.attrs["image_rows"], self.shape[0])
                self.assertEqual(f.attrs["image_cols"], self.shape[1])

    def test_sixteen_bit_pgm_folder_keeps_its_values(self):
        folder = self.path("wide")
        os.mkdir(folder)
        rng = np.random.default_rng(2)
        images = rng.integers(0, 65536, (4, 3, 6), dtype=np.uint16)
        for i, image in enumerate(images):
            with open(os.path.join(folder, f"{i}.pgm"), "wb") as f:
                f.write(pgm_bytes(image))
        out = self.path("wide.h5")
        done = self.run_gridnmf(3, "convert", "--input", folder, "--output", out)
        self.assertEqual(done.returncode, 0, done.stderr)
        with h5py.File(out) as f:
            self.assertEqual(f["V"].dtype, np.uint16)
            np.testing.assert_array_equal(f["V"][:], images.reshape(4, -1).T)

    def test_bad_folders_fail_with_one_line(self):
        cases = {
            "other_size": ({"a.pgm": pgm_bytes(self.images[0]),
                            "b.pgm": pgm_bytes(self.images[1][:, :4].copy())},
                           "must have one size"),
            "truncated": ({"a.pgm": pgm_bytes(self.images[0])[:-5]}, "is truncated"),
            "bad_magic": ({"a.pgm": b"P6\n5 7\n255\n" + bytes(105)}, "not a PGM file"),
            "bad_png": ({"a.png": png_bytes(self.images[0])[:30]}, "not a readable PNG"),
            "empty": ({}, "holds no .png or .pgm images"),
        }
        for name, (files, message) in cases.items():
            folder = self.path("bad_" + name)
            os.mkdir(folder)
            for file, content in files.items():
                with open(os.path.join(folder, file), "wb") as f:
                    f.write(content)
            # Three ranks: the file that fails is read by one of them; the
            # others must end with the same line. One rank for the first case.
            for ranks in ((1, 3) if name == "other_size" else (3,)):
                with self.subTest(case=name, ranks=ranks):
                    out = self.path("never.h5")
                    done = self.run_gridnmf(ranks, "convert", "--input", folder, "--output", out)
                    self.assert_one_line_failure(done, message, output=out)

    def small_image_set(self):
        """60 images of 8 x 6 pixels made of a few local blobs, as HDF5 with image_rows/cols."""
        out = self.path("blobs.h5")
        if os.path.exists(out):
            return out
        rng = np.random.default_rng(5)
        parts = np.zeros((5, 8, 6))
        for p, (r, c) in enumerate([(1, 1), (1, 4), (4, 2), (6, 1), (6, 4)]):
            parts[p, max(r - 1, 0):r + 2, max(c - 1, 0):c + 2] = 1.0
        weights = rng.random((5, 60))
        v = parts.reshape(5, -1).T @ weights + 0.01 * rng.random((48, 60))
        with h5py.File(out, "w") as f:
            f["V"] = v
            f.attrs["image_rows"] = 8
            f.attrs["image_cols"] = 6
        return out

    def test_sparseness_constraint_holds_on_the_result(self):
        data = self.small_image_set()
        out = self.path("sparse.h5")
        done = self.run_gridnmf(2, "factorize", "--input", data, "--rank", 5, "--output", out,
                                "--sparseness-w", 0.6, "--sparseness-h", 0.3, "--max-iter", 40,
                                "--algorithm", "mu", "--quiet")
        self.assertEqual(done.returncode, 0, done.stderr)
        with h5py.File(out) as f:
            w, h = f["W"][:], f["H"][:]
            errors = f["history/relative_error"][:]
        for l in range(5):
            self.assertAlmostEqual(hoyer(w[:, l]), 0.6, delta=1e-9)
            self.assertAlmostEqual(hoyer(h[l]), 0.3, delta=1e-9)
            self.assertAlmostEqual(np.linalg.norm(h[l]), 1.0, delta=1e-9)
        self.assertTrue(np.all(np.diff(errors) <= 1e-12), errors)

    def test_sparseness_refused_where_it_does_not_apply(self):
        data = self.small_image_set()
        out = self.path("refused.h5")
        cases = [
            (["--sparseness-w", 1.0], "--sparseness-w must be in (0, 1)"),
            (["--sparseness-h", -0.1], "--sparseness-h must be in (0, 1)"),
            (["--sparseness-w", 0.5, "--loss", "kl"], "support only --loss frobenius"),
            (["--sparseness-w", 0.5, "--l1-h", 0.1], "cannot be combined with --l1-*/--l2-*"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                done = self.run_gridnmf(1, "factorize", "--input", data, "--rank", 3,
                                        "--output", out, *args)
                self.assert_one_line_failure(done, message, code=2, output=out)

    def test_resume_with_another_sparseness_is_refused(self):
        data = self.small_image_set()
        out, checkpoint = self.path("resume.h5"), self.path("resume.ckpt.h5")
        common = ["factorize", "--input", data, "--rank", 4, "--output", out, "--checkpoint",
                  checkpoint, "--checkpoint-every", 1, "--algorithm", "mu", "--quiet"]
        done = self.run_gridnmf(2, *common, "--sparseness-w", 0.5, "--max-iter", 5)
        self.assertEqual(done.returncode, 0, done.stderr)
        refused = self.run_gridnmf(2, *common, "--sparseness-w", 0.6, "--max-iter", 10,
                                   "--resume")
        self.assert_one_line_failure(refused, "--sparseness-w was 0.5, now 0.59999", code=2)
        # The same value continues, and ends where an uninterrupted run ends.
        resumed = self.run_gridnmf(2, *common, "--sparseness-w", 0.5, "--max-iter", 10, "--resume")
        self.assertEqual(resumed.returncode, 0, resumed.stderr)
        with h5py.File(out) as f:
            w_resumed = f["W"][:]
        os.remove(checkpoint)
        straight = self.run_gridnmf(2, *common, "--sparseness-w", 0.5, "--max-iter", 10)
        self.assertEqual(straight.returncode, 0, straight.stderr)
        with h5py.File(out) as f:
            np.testing.assert_array_equal(f["W"][:], w_resumed)

    def test_images_picture_has_the_expected_tiles(self):
        data = self.small_image_set()
        result = self.path("for_picture.h5")
        done = self.run_gridnmf(2, "factorize", "--input", data, "--rank", 5, "--output", result,
                                "--sparseness-w", 0.5, "--max-iter", 10, "--quiet")
        self.assertEqual(done.returncode, 0, done.stderr)
        picture = self.path("for_picture.png")
        done = self.run_gridnmf(1, "images", "--result", result, "--output", picture,
                                "--scale", 4, "--reconstruct", 3)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("5 tiles (2 rows x 3 columns) of 8 x 6 pixels", done.stdout)
        self.assertIn("mean Hoyer sparseness: columns of W 0.500", done.stdout)
        pixels = np.round(mpimg.imread(picture) * 255).astype(int)
        # Layout: margin 8, tiles of 6*4 x 8*4 with gaps of 4, colour bar
        # 12 + 16 + 6 + label 30 to the right; 3 originals above their
        # reconstructions 16 below the grid.
        tile_w, tile_h = 24, 32
        grid_w, grid_h = 3 * tile_w + 2 * 4, 2 * tile_h + 4
        self.assertEqual(pixels.shape[1], 8 + grid_w + 12 + 16 + 6 + 30 + 8)
        self.assertEqual(pixels.shape[0], 8 + grid_h + 16 + 2 * tile_h + 4 + 8)
        background = np.array([215, 215, 215])
        for l in range(6):
            left, top = 8 + (l % 3) * (tile_w + 4), 8 + (l // 3) * (tile_h + 4)
            tile = pixels[top:top + tile_h, left:left + tile_w, :3]
            drawn = np.any(np.any(tile != background, axis=2))
            self.assertEqual(drawn, l < 5, f"tile {l}")
        # Gaps between tiles are background.
        self.assertTrue(np.all(pixels[8:8 + grid_h, 8 + tile_w:8 + tile_w + 4, :3] == background))

    def test_pca_equals_numpy_at_1_and_3_ranks(self):
        data = self.small_image_set()
        with h5py.File(data) as f:
            v = f["V"][:]
        centred = v - v.mean(axis=1, keepdims=True)
        u, s, _ = np.linalg.svd(centred, full_matrices=False)
        for ranks in (1, 3):
            out = self.path(f"pca_{ranks}.h5")
            done = self.run_gridnmf(ranks, "pca", "--input", data, "--rank", 4, "--output", out,
                                    "--quiet")
            self.assertEqual(done.returncode, 0, done.stderr)
            with h5py.File(out) as f:
                np.testing.assert_allclose(f["singular_values"][:], s[:4], rtol=1e-8)
                np.testing.assert_allclose(f["mean"][:, 0], v.mean(axis=1), rtol=1e-12)
                w, h = f["W"][:], f["H"][:]
                # The same components up to sign (ours: entries sum >= 0).
                np.testing.assert_allclose(np.abs(w.T @ u[:, :4]), np.eye(4), atol=1e-6)
                self.assertTrue(np.all(w.sum(axis=0) >= 0))
                reconstruction = w @ h + f["mean"][:]
                expected = np.linalg.norm(v - reconstruction) / np.linalg.norm(v)
                self.assertAlmostEqual(f.attrs["relative_error"], expected, delta=1e-8)

    def test_fashion_mnist_parts_when_installed(self):
        images = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
        if not os.path.exists(images):
            self.skipTest(f"{images} not installed (Debian package dataset-fashion-mnist)")
        data, result = self.path("fashion.h5"), self.path("fashion_sparse.h5")
        done = self.run_gridnmf(2, "convert", "--input", images, "--output", data)
        self.assertEqual(done.returncode, 0, done.stderr)
        done = self.run_gridnmf(2, "factorize", "--input", data, "--rank", 9, "--output", result,
                                "--sparseness-w", 0.7, "--max-iter", 5, "--quiet")
        self.assertEqual(done.returncode, 0, done.stderr)
        done = self.run_gridnmf(1, "images", "--result", result, "--reconstruct", 4)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("9 tiles (3 rows x 3 columns) of 28 x 28 pixels", done.stdout)
        self.assertIn("columns of W 0.700", done.stdout)
        with h5py.File(result) as f:
            self.assertEqual(f.attrs["sparseness_w"], 0.7)
            errors = f["history/relative_error"][:]
        self.assertTrue(np.all(np.diff(errors) <= 1e-12), errors)
        self.assertTrue(os.path.exists(self.path("fashion_sparse.png")))

    def test_images_of_a_signed_result_and_missing_shape(self):
        result = self.path("signed.h5")
        rng = np.random.default_rng(1)
        with h5py.File(result, "w") as f:
            f["W"] = rng.standard_normal((12, 4))
            f["H"] = rng.standard_normal((4, 9))
        done = self.run_gridnmf(1, "images", "--result", result)
        self.assert_one_line_failure(done, "no image shape", output=self.path("signed.png"))
        done = self.run_gridnmf(1, "images", "--result", result, "--shape", "3x4")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("signed (blue-white-red)", done.stdout)
        self.assertTrue(os.path.exists(self.path("signed.png")))
        done = self.run_gridnmf(1, "images", "--result", result, "--shape", "5x4")
        self.assert_one_line_failure(done, "does not fit the 12 rows of /W")


if __name__ == "__main__":
    harness.main()
