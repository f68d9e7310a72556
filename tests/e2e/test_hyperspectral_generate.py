#!/usr/bin/python3
"""End-to-end tests of `gridnmf generate --kind hyperspectral`: the scene file
has the layout of ../shared/data (shapes, truth, names, wavelengths, root
attributes), abundances are non-negative and sum to one, the noise has the
SNR asked for, pure pixels are pure, the file is bitwise the same whatever
the rank count, and bad options fail once with a usage error."""
import glob
import os
import subprocess
import tempfile
import unittest

import h5py
import numpy as np

import harness
from harness import Paths

TIMEOUT = 120  # seconds; a hang fails the test instead of the whole suite
SCENE = ["--kind", "hyperspectral", "--rows", 23, "--cols", 17, "--bands", 31]


def run(ranks, *args, expect=0):
    """Runs gridnmf on `ranks` ranks; returns the completed process."""
    command = [Paths.mpiexec, "-n", str(ranks), Paths.gridnmf, *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    if expect is not None and done.returncode != expect:
        raise AssertionError(
            f"{' '.join(command)} exited {done.returncode}, expected {expect}\n"
            f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}")
    return done


def read(path):
    with h5py.File(path, "r") as f:
        data = {name: f[name][...] for name in f}
        data["attrs"] = dict(f.attrs)
    return data


def snr_db(scene):
    clean = scene["W_true"] @ scene["H_true"]
    return 10 * np.log10(np.sum(clean ** 2) / np.sum((scene["V"] - clean) ** 2))


class HyperspectralGenerate(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_scene_")
        cls.dir = cls.tmp.name
        cls.noisy = cls.path("noisy.h5")
        run(1, "generate", *SCENE, "--endmembers", 5, "--noise", 30, "--pure-pixels",
            "--seed", 9, "--output", cls.noisy)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.dir, name)

    def test_layout_matches_the_shared_scenes(self):
        s = read(self.noisy)
        pixels = 23 * 17
        self.assertEqual(s["V"].shape, (31, pixels))
        self.assertEqual(s["V"].dtype, np.float64)
        self.assertEqual(s["W_true"].shape, (31, 5))
        self.assertEqual(s["H_true"].shape, (5, pixels))
        self.assertEqual(s["endmember_names"].shape, (5,))
        self.assertEqual(s["endmember_names"].dtype.kind, "S")  # fixed-length ASCII
        self.assertEqual(len(set(s["endmember_names"])), 5)
        self.assertEqual(s["wavelengths"].shape, (31,))
        self.assertTrue(np.all(np.diff(s["wavelengths"]) > 0))
        self.assertTrue(400 <= s["wavelengths"][0] and s["wavelengths"][-1] <= 2500)
        for name, value in (("rows", 23), ("cols", 17), ("bands", 31), ("pixels", pixels), ("k", 5)):
            self.assertEqual(s["attrs"][name], value, name)

    def test_abundances_sum_to_one_and_everything_is_non_negative(self):
        s = read(self.noisy)
        self.assertTrue((s["H_true"] >= 0).all())
        np.testing.assert_allclose(s["H_true"].sum(axis=0), 1.0, atol=1e-12)
        self.assertTrue((s["W_true"] > 0).all())
        self.assertTrue((s["V"] >= 0).all())

    def test_spectra_are_smooth_and_distinct_in_angle(self):
        s = read(self.noisy)
        w = s["W_true"] / np.linalg.norm(s["W_true"], axis=0)
        angles = np.arccos(np.clip(w.T @ w, -1, 1))[np.triu_indices(5, 1)]
        self.assertGreater(angles.min(), 0.3)
        # Smooth: neighbouring bands differ by a small part of the range.
        steps = np.abs(np.diff(s["W_true"], axis=0)).max()
        self.assertLess(steps, 0.25 * s["W_true"].max())

    def test_noise_level_matches_the_snr(self):
        self.assertAlmostEqual(snr_db(read(self.noisy)), 30.0, delta=0.1)
        low = self.path("low.h5")
        run(2, "generate", *SCENE, "--endmembers", 3, "--noise", 15, "--output", low)
        self.assertAlmostEqual(snr_db(read(low)), 15.0, delta=0.2)

    def test_noiseless_by_default_and_no_pure_pixel_unless_asked(self):
        clean = self.path("clean.h5")
        run(2, "generate", *SCENE, "--endmembers", 4, "--output", clean)
        s = read(clean)
        np.testing.assert_allclose(s["V"], s["W_true"] @ s["H_true"], rtol=1e-13, atol=1e-15)
        self.assertLess(s["H_true"].max(), 1.0)
        self.assertNotIn("pure_pixel_indices", s)

    def test_pure_pixels_hold_one_endmember_exactly(self):
        s = read(self.noisy)
        pure = s["pure_pixel_indices"]
        self.assertEqual(len(set(pure)), 5)
        np.testing.assert_array_equal(s["H_true"][:, pure], np.eye(5))

    def test_file_is_bitwise_the_same_on_any_rank_count(self):
        for ranks in (3, 4):
            other = self.path(f"noisy{ranks}.h5")
            run(ranks, "generate", *SCENE, "--endmembers", 5, "--noise", 30, "--pure-pixels",
                "--seed", 9, "--output", other)
            a, b = read(self.noisy), read(other)
            for name in ("V", "W_true", "H_true", "wavelengths", "endmember_names",
                         "pure_pixel_indices"):
                self.assertEqual(a[name].tobytes(), b[name].tobytes(), f"{name} at {ranks} ranks")
            self.assertEqual(a["attrs"]["noise_sigma"], b["attrs"]["noise_sigma"])

    def test_seed_changes_the_scene(self):
        other = self.path("seed10.h5")
        run(1, "generate", *SCENE, "--endmembers", 5, "--noise", 30, "--pure-pixels",
            "--seed", 10, "--output", other)
        self.assertFalse(np.array_equal(read(self.noisy)["W_true"], read(other)["W_true"]))

    def test_float32_scene(self):
        single = self.path("single.h5")
        run(2, "generate", *SCENE, "--endmembers", 3, "--precision", "float32", "--output", single)
        s = read(single)
        self.assertEqual(s["V"].dtype, np.float32)
        self.assertEqual(s["W_true"].dtype, np.float64)
        np.testing.assert_allclose(s["V"], s["W_true"] @ s["H_true"], rtol=1e-6)

    def assert_fails(self, args, message):
        """A bad command: exit 2, the message once, no file left behind."""
        out = self.path("never.h5")
        done = run(2, "generate", *args, "--output", out, expect=2)
        lines = [l for l in done.stderr.splitlines() if l.startswith("gridnmf: error:")]
        self.assertEqual(len(lines), 1, done.stderr)
        self.assertIn(message, lines[0])
        self.assertFalse(os.path.exists(out))
        self.assertEqual(glob.glob(out + ".*partial"), [])

    def test_bad_options_fail_with_a_usage_error(self):
        scene = ["--kind", "hyperspectral", "--rows", 4, "--cols", 3]
        self.assert_fails([*scene, "--endmembers", 2], "--bands")
        self.assert_fails([*scene, "--bands", 5], "--endmembers")
        self.assert_fails([*scene, "--bands", 5, "--endmembers", 13], "exceeds the 12 pixels")
        self.assert_fails([*scene, "--bands", 5, "--endmembers", 2, "--rank", 2], "--rank")
        self.assert_fails([*scene, "--bands", 0, "--endmembers", 2], "--bands")
        self.assert_fails([*scene, "--bands", 5, "--endmembers", 2, "--noise", "inf"], "--noise")
        self.assert_fails(["--kind", "cube", "--rows", 4, "--cols", 3, "--rank", 2], "--kind")
        self.assert_fails(["--rows", 4, "--cols", 3, "--rank", 2, "--bands", 5], "--bands")
        self.assert_fails(["--rows", 4, "--cols", 3, "--rank", 2, "--pure-pixels"],
                          "--pure-pixels")


if __name__ == "__main__":
    harness.main()
