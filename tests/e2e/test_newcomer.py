#!/usr/bin/python3
"""End-to-end tests of what a new user meets first: NumPy .npy input (C and
Fortran order, many dtypes, both byte orders) equal to the same matrix in
HDF5 at 1 and 3 ranks; a missing dataset that lists what the file holds; an
unreadable file described by what it looks like; a scene stored transposed
refused by unmix with the fix, and accepted with --transpose keeping its
image shape; scikit-learn's spellings (--loss, --n-components, unmix --rank)
giving the same runs; option prefixes refused and typos answered with the
closest option; the default progress lines and the max-iter hint; dimension
names on /W and /H and /endmember_names aligned with W's columns."""
import os
import re
import tempfile
import unittest

import h5py
import numpy as np

import harness

run = harness.run_gridnmf
error_line = harness.error_line
factors = harness.factors


class Newcomer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf-newcomer-")
        rng = np.random.default_rng(7)
        # Small integers: exact in every dtype below, so all files hold one matrix.
        cls.v = rng.integers(0, 100, size=(37, 23)).astype(np.float64)
        cls.h5 = cls.path("v.h5")
        with h5py.File(cls.h5, "w") as f:
            f["V"] = cls.v
        cls.positive = cls.path("positive.h5")
        with h5py.File(cls.positive, "w") as f:
            f["V"] = cls.v + 1

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.tmp.name, name)

    def factorize(self, ranks, source, out, *extra, expect=0):
        return run(ranks, "factorize", "--input", source, "--rank", 3, "--max-iter", 6,
                   "--tol", 0, "--seed", 4, "--print-every", 0, "--output", out, *extra,
                   expect=expect)

    def test_npy_equals_hdf5(self):
        reference = {}
        for ranks in (1, 3):
            out = self.path(f"h5_{ranks}.h5")
            self.factorize(ranks, self.h5, out, "--grid", f"{ranks}x1")
            reference[ranks] = factors(out)
        cases = [("<f8", "C"), ("<f8", "F"), ("<f4", "C"), ("<f4", "F"), (">f8", "C"),
                 (">i4", "F"), ("<i2", "C"), ("|u1", "F"), ("<u8", "C"), ("<f2", "F"),
                 ("<i8", "F")]
        for dtype, order in cases:
            name = self.path(f"v_{dtype.strip('<>|')}_{'be' if dtype[0] == '>' else 'le'}_{order}.npy")
            np.save(name, np.asarray(self.v.astype(dtype), order=order))
            for ranks in (1, 3):
                with self.subTest(dtype=dtype, order=order, ranks=ranks):
                    if ranks == 1:  # the values once; the 3-rank block read shows in W, H
                        converted = self.path("converted.h5")
                        run(ranks, "convert", "--input", name, "--output", converted,
                            "--precision", "float64", "--quiet")
                        with h5py.File(converted, "r") as f:
                            np.testing.assert_array_equal(f["V"][...], self.v)
                    out = self.path(f"npy_{ranks}.h5")
                    self.factorize(ranks, name, out, "--grid", f"{ranks}x1")
                    w, h = factors(out)
                    np.testing.assert_array_equal(w, reference[ranks][0])
                    np.testing.assert_array_equal(h, reference[ranks][1])
        with self.subTest("first line names the format"):
            done = run(2, "factorize", "--input", name, "--rank", 3, "--max-iter", 2,
                       "--output", self.path("x.h5"))
            self.assertIn("(dense int64)", done.stdout)

    def test_bad_npy(self):
        cube = self.path("cube.npy")
        np.save(cube, np.ones((2, 3, 4)))
        complex_values = self.path("complex.npy")
        np.save(complex_values, np.ones((3, 4), dtype=np.complex128))
        truncated = self.path("truncated.npy")
        with open(self.path("whole.npy"), "wb") as stream:
            np.save(stream, self.v)
        with open(self.path("whole.npy"), "rb") as src, open(truncated, "wb") as dst:
            dst.write(src.read()[:500])
        negative = self.path("negative.npy")
        np.save(negative, -self.v)
        for path, message in ((cube, "3 dimensions"), (complex_values, "not complex"),
                              (truncated, "is truncated"), (negative, "negative entries")):
            for ranks in (1, 3):
                with self.subTest(path=os.path.basename(path), ranks=ranks):
                    done = self.factorize(ranks, path, self.path("never.h5"), expect=1)
                    self.assertIn(message, error_line(done))
                    self.assertFalse(os.path.exists(self.path("never.h5")))

    def test_missing_dataset_lists_what_the_file_holds(self):
        mixed = self.path("mixed.h5")
        with h5py.File(mixed, "w") as f:
            f["data"] = self.v
            f["labels"] = np.arange(23)
            f["group/X"] = self.v[:5].astype(np.float32)
            sparse = f.create_group("counts")
            sparse["data"] = np.ones(3)
            sparse["indices"] = np.array([0, 1, 2])
            sparse["indptr"] = np.array([0, 1, 2, 3])
            sparse.attrs["shape"] = (3, 3)
            sparse.attrs["format"] = "csr"
        for ranks in (1, 3):
            done = self.factorize(ranks, mixed, self.path("never.h5"), "--dataset", "X",
                                  expect=1)
            line = error_line(done)
            self.assertIn("dataset 'X' not found", line)
            for held in ("/data (37 x 23 float64)", "/group/X (5 x 23 float32)",
                         "/counts (sparse group)", "--dataset"):
                self.assertIn(held, line)
            self.assertNotIn("labels", line)
        many = self.path("many.h5")
        with h5py.File(many, "w") as f:
            for i in range(14):
                f[f"m{i:02d}"] = np.ones((2, 2))
        line = error_line(self.factorize(2, many, self.path("never.h5"), "--dataset", "nope",
                                         expect=1))
        self.assertEqual(line.count(" x 2 float64)"), 10, line)
        self.assertIn(", ...", line)

    def test_unreadable_file_says_what_it_looks_like(self):
        text = self.path("matrix.csv")
        with open(text, "w") as stream:
            stream.write("1,2,3\n4,5,6\n")
        empty = self.path("empty.h5")
        open(empty, "w").close()
        archive = self.path("arrays.npz")
        np.savez(archive, V=self.v)
        for path, message in ((text, "a text file starting '1,2,3'"),
                              (empty, "empty (0 bytes)"), (archive, "a zip archive")):
            with self.subTest(path=os.path.basename(path)):
                line = error_line(self.factorize(2, path, self.path("never.h5"), expect=1))
                self.assertIn("is not an HDF5 file: it is " + message, line)

    def transposed_scene(self):
        scene = self.path("scene.h5")
        run(2, "generate", "--kind", "hyperspectral", "--rows", 9, "--cols", 7, "--bands", 30,
            "--endmembers", 3, "--seed", 2, "--output", scene)
        flipped = self.path("scene_transposed.h5")
        with h5py.File(scene, "r") as src, h5py.File(flipped, "w") as dst:
            dst["V"] = src["V"][...].T
            dst["wavelengths"] = src["wavelengths"][...]
            for key, value in src.attrs.items():
                dst.attrs[key] = value
        return scene, flipped

    def test_transposed_scene_refused_with_the_fix(self):
        scene, flipped = self.transposed_scene()
        for ranks in (1, 3):
            done = run(ranks, "unmix", "--input", flipped, "--endmembers", 3, "--output",
                       self.path("never.h5"), expect=1)
            line = error_line(done)
            self.assertIn("is 63 x 30", line)
            self.assertIn("add --transpose", line)
            self.assertFalse(os.path.exists(self.path("never.h5")))
        common = ["--endmembers", 3, "--max-iter", 10, "--print-every", 0]
        run(2, "unmix", "--input", scene, "--output", self.path("plain.h5"), *common)
        run(2, "unmix", "--input", flipped, "--transpose", "--output", self.path("turned.h5"),
            *common)
        with h5py.File(self.path("plain.h5"), "r") as a, h5py.File(self.path("turned.h5"), "r") as b:
            self.assertEqual((b.attrs["image_rows"], b.attrs["image_cols"]), (9, 7))
            np.testing.assert_array_equal(a["wavelengths"][...], b["wavelengths"][...])
            np.testing.assert_allclose(a["W"][...], b["W"][...], rtol=1e-9, atol=1e-12)

    def test_scikit_learn_spellings(self):
        base = self.path("kl.h5")
        self.factorize(2, self.h5, base, "--loss", "kl")
        for spelling in ("kullback-leibler", "KL", "Kullback_Leibler", "1", "beta:1"):
            with self.subTest(loss=spelling):
                out = self.path("spelled.h5")
                self.factorize(2, self.h5, out, "--loss", spelling)
                for a, b in zip(factors(base), factors(out)):
                    np.testing.assert_array_equal(a, b)
                with h5py.File(out, "r") as f:
                    self.assertEqual(f.attrs["loss"], "kl")
        for spelling, canonical in (("frobenius", "frobenius"), ("itakura-saito", "itakura-saito"),
                                    ("0.5", "beta:0.5")):
            out = self.path(f"loss_{canonical.replace(':', '_')}.h5")  # ROMIO: no colon
            self.factorize(1, self.positive, out, "--loss", spelling,
                           *([] if canonical == "frobenius" else ["--algorithm", "mu"]))
            with h5py.File(out, "r") as f:
                self.assertEqual(f.attrs["loss"], canonical)
        with self.subTest("--n-components"):
            a, b = self.path("rank.h5"), self.path("components.h5")
            run(2, "factorize", "--input", self.h5, "--rank", 3, "--max-iter", 5, "--output", a)
            run(2, "factorize", "--input", self.h5, "--n-components", 3, "--max-iter", 5,
                "--output", b)
            for x, y in zip(factors(a), factors(b)):
                np.testing.assert_array_equal(x, y)
            done = run(1, "factorize", "--input", self.h5, "--rank", 3, "--n-components", 4,
                       "--output", self.path("never.h5"), expect=2)
            self.assertIn("disagree", error_line(done))
        with self.subTest("unmix --rank"):
            scene, _ = self.transposed_scene()
            a, b = self.path("em.h5"), self.path("rk.h5")
            run(2, "unmix", "--input", scene, "--endmembers", 3, "--max-iter", 5, "--output", a)
            run(2, "unmix", "--input", scene, "--rank", 3, "--max-iter", 5, "--output", b)
            for x, y in zip(factors(a), factors(b)):
                np.testing.assert_array_equal(x, y)

    def test_prefixes_refused_and_typos_answered(self):
        cases = [("--max-iters", "did you mean --max-iter?"),
                 ("--max", "did you mean --max-iter?"),
                 ("--tolerance", "did you mean --tol?"),
                 ("--algoritm", "did you mean --algorithm?"),
                 ("--frobnicate", "unrecognised option '--frobnicate'")]
        for option, message in cases:
            with self.subTest(option=option):
                done = run(1, "factorize", "--input", self.h5, "--rank", 3, option, 5,
                           "--output", self.path("never.h5"), expect=2)
                self.assertIn(message, error_line(done))
        config = self.path("typo.ini")
        with open(config, "w") as stream:
            stream.write("max-iters = 5\n")
        done = run(1, "factorize", "--input", self.h5, "--rank", 3, "--config", config,
                   "--output", self.path("never.h5"), expect=2)
        self.assertIn("did you mean --max-iter?", error_line(done))

    def test_progress_lines_and_max_iter_hint(self):
        out = self.path("progress.h5")
        done = run(2, "factorize", "--input", self.h5, "--rank", 3, "--max-iter", 200,
                   "--tol", 1e-30, "--output", out)
        lines = [l for l in done.stdout.splitlines() if l.startswith("iter ")]
        self.assertTrue(20 <= len(lines) <= 50, done.stdout)
        for line in lines[1:]:
            self.assertRegex(line, r"^iter +\d+/200 \( *\d+%\)")
            self.assertRegex(line, r"change \d\.\d+e[-+]\d+ \(tol 1e-30\)")
            self.assertRegex(line, r"left <= \d+")
        hints = [l for l in done.stdout.splitlines() if l.startswith("note: stopped at --max-iter")]
        self.assertEqual(len(hints), 1, done.stdout)
        self.assertIn("--max-iter 400", hints[0])
        converged = run(2, "factorize", "--input", self.h5, "--rank", 3, "--max-iter", 500,
                        "--tol", 1e-2, "--output", out)
        self.assertNotIn("note: stopped", converged.stdout)
        with h5py.File(out, "r") as f:
            self.assertEqual(f.attrs["algorithm"], "bpp")

    def test_dimension_names(self):
        out = self.path("named.h5")
        self.factorize(2, self.h5, out)
        with h5py.File(out, "r") as f:
            for name, dims in (("W", ("feature", "component")), ("H", ("component", "sample"))):
                self.assertEqual(tuple(d.label for d in f[name].dims), dims)
                for axis, dim in enumerate(dims):
                    scale = f[name].dims[axis][0]
                    self.assertEqual(scale.name, "/" + dim)
                    self.assertEqual(len(scale), f[name].shape[axis])
                    np.testing.assert_array_equal(scale[...], np.arange(f[name].shape[axis]))
        scene, _ = self.transposed_scene()
        unmixed = self.path("unmixed_names.h5")
        run(2, "unmix", "--input", scene, "--endmembers", 3, "--max-iter", 10, "--output", unmixed)
        with h5py.File(unmixed, "r") as f, h5py.File(scene, "r") as truth:
            self.assertEqual(tuple(d.label for d in f["W"].dims), ("band", "endmember"))
            self.assertEqual(tuple(d.label for d in f["H"].dims), ("endmember", "pixel"))
            names = [n.decode() if isinstance(n, bytes) else n for n in f["endmember_names"][...]]
            self.assertEqual(len(names), 3)
            # Each column of W carries the name of the true endmember closest in angle.
            w = f["W"][...]
            w_true = truth["W_true"][...]
            true_names = [n.decode() if isinstance(n, bytes) else n
                          for n in truth["endmember_names"][...]]
            for column, name in enumerate(names):
                cosine = (w_true.T @ w[:, column]) / (np.linalg.norm(w_true, axis=0)
                                                     * np.linalg.norm(w[:, column]))
                self.assertEqual(name, true_names[int(np.argmax(cosine))])
            stored = [n.decode() if isinstance(n, bytes) else n
                      for n in f["input_endmember_names"][...]]
            self.assertEqual(stored, true_names)


if __name__ == "__main__":
    harness.main()
