#!/usr/bin/python3
"""End-to-end tests of the gridnmf executable: generate, factorize, read the
output with h5py (as a user would) and check the command-line contract,
including bad input that must fail fast, once, and leave no file behind."""
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


def run(ranks, *args, expect=0):
    """Runs gridnmf on `ranks` ranks; returns the completed process."""
    command = [Paths.mpiexec, "-n", str(ranks), Paths.gridnmf, *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    if expect is not None and done.returncode != expect:
        raise AssertionError(
            f"{' '.join(command)} exited {done.returncode}, expected {expect}\n"
            f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}")
    return done


class EndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_e2e_")
        cls.dir = cls.tmp.name
        cls.input = os.path.join(cls.dir, "v.h5")
        run(2, "generate", "--rows", 57, "--cols", 43, "--rank", 4, "--noise", 0.01,
            "--seed", 3, "--output", cls.input)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def test_generate_writes_problem_and_is_grid_independent(self):
        with h5py.File(self.input, "r") as f:
            v, w, h = f["V"][...], f["W_true"][...], f["H_true"][...]
            self.assertEqual(v.shape, (57, 43))
            self.assertEqual(w.shape, (57, 4))
            self.assertEqual(h.shape, (4, 43))
            self.assertEqual(v.dtype, np.float64)
            self.assertTrue((v >= 0).all())
            # V = W H + noise of standard deviation 0.01, clipped at 0.
            self.assertAlmostEqual(float(np.std(v - w @ h)), 0.01, delta=0.002)
        for ranks in (1, 3, 4):
            other = self.path(f"v{ranks}.h5")
            run(ranks, "generate", "--rows", 57, "--cols", 43, "--rank", 4, "--noise", 0.01,
                "--seed", 3, "--output", other)
            with h5py.File(self.input, "r") as a, h5py.File(other, "r") as b:
                for name in ("V", "W_true", "H_true"):
                    np.testing.assert_array_equal(a[name][...], b[name][...], err_msg=name)

    def test_factorize_output_layout_and_error(self):
        out = self.path("result.h5")
        done = run(2, "factorize", "--input", self.input, "--rank", 4, "--max-iter", 40,
                   "--tol", 0, "--seed", 5, "--output", out, "--print-every", 10)
        self.assertIn("grid 2x1 (chosen", done.stdout)
        self.assertIn("iter     10", done.stdout)
        self.assertIn("GFLOP/s", done.stdout)
        self.assertEqual(glob.glob(out + ".*partial"), [])
        with h5py.File(self.input, "r") as f:
            v = f["V"][...]
        with h5py.File(out, "r") as f:
            w, h = f["W"][...], f["H"][...]
            self.assertEqual(w.shape, (57, 4))
            self.assertEqual(h.shape, (4, 43))
            self.assertTrue((w >= 0).all() and (h >= 0).all())
            a = f.attrs
            for name in ("algorithm", "rank", "iterations", "relative_error", "objective",
                         "converged", "seed", "grid", "elapsed_seconds", "gridnmf_version",
                         "input", "dataset", "options"):
                self.assertIn(name, a, name)
            self.assertEqual(a["algorithm"], "bpp")  # the default for the Frobenius loss
            self.assertEqual(a["rank"], 4)
            self.assertEqual(a["iterations"], 40)
            self.assertEqual(a["converged"], 0)
            self.assertEqual(a["seed"], 5)
            self.assertEqual(a["grid"], "2x1")
            self.assertEqual(a["input"], self.input)
            self.assertEqual(a["dataset"], "V")
            self.assertIn("max-iter = 40", a["options"])
            recomputed = np.linalg.norm(v - w @ h) / np.linalg.norm(v)
            self.assertAlmostEqual(a["relative_error"] / recomputed, 1.0, delta=1e-8)
            self.assertAlmostEqual(a["objective"] / (0.5 * np.linalg.norm(v - w @ h) ** 2),
                                   1.0, delta=1e-8)
            hist = f["history"]
            np.testing.assert_array_equal(hist["iteration"][...], np.arange(1, 41))
            errors = hist["relative_error"][...]
            self.assertEqual(errors[-1], a["relative_error"])
            self.assertTrue((np.diff(errors) <= 1e-12).all(), "MU error increased")
            self.assertTrue((np.diff(hist["seconds"][...]) >= 0).all())

    def test_tolerance_stops_and_marks_converged(self):
        out = self.path("tol.h5")
        run(2, "factorize", "--input", self.input, "--rank", 4, "--max-iter", 5000,
            "--tol", 1e-3, "--output", out, "--quiet")
        with h5py.File(out, "r") as f:
            self.assertEqual(f.attrs["converged"], 1)
            self.assertEqual(f.attrs["stop_reason"], "tolerance")
            objective = f["history/objective"][...]
            self.assertLess(len(objective), 5000)
            self.assertLess((objective[-2] - objective[-1]) / objective[-1], 1e-3)
            self.assertGreaterEqual((objective[-3] - objective[-2]) / objective[-2], 1e-3)

    def test_time_limit_writes_a_result_marked_not_converged(self):
        big = self.path("big.h5")
        run(2, "generate", "--rows", 800, "--cols", 600, "--rank", 20, "--noise", 0.1,
            "--output", big)
        out = self.path("timed.h5")
        run(2, "factorize", "--input", big, "--rank", 20, "--max-iter", 1000000, "--tol", 0,
            "--time-limit", 1, "--output", out, "--quiet")
        with h5py.File(out, "r") as f:
            self.assertEqual(f.attrs["stop_reason"], "time_limit")
            self.assertEqual(f.attrs["converged"], 0)
            seconds = f["history/seconds"][...]
            self.assertGreater(seconds[-1], 1.0)
            self.assertLess(seconds[-2], 1.0)

    def test_objective_includes_penalties_for_every_algorithm_and_loss(self):
        with h5py.File(self.input, "r") as f:
            v = f["V"][...]
        for algorithm, loss in (("mu", "frobenius"), ("hals", "frobenius"), ("bpp", "frobenius"),
                                ("mu", "kl")):
            with self.subTest(algorithm=algorithm, loss=loss):
                out = self.path(f"pen_{algorithm}_{loss}.h5")
                run(2, "factorize", "--input", self.input, "--rank", 4, "--algorithm", algorithm,
                    "--loss", loss, "--l1-w", 0.1, "--l2-w", 0.2, "--l1-h", 0.3, "--l2-h", 0.4,
                    "--max-iter", 30, "--tol", 0, "--output", out, "--quiet")
                with h5py.File(out, "r") as f:
                    w, h = f["W"][...], f["H"][...]
                    self.assertEqual(f.attrs["loss"], loss)
                    wh = w @ h
                    if loss == "frobenius":
                        divergence = 0.5 * np.sum((v - wh) ** 2)
                    else:
                        y = np.maximum(wh, 1e-16)
                        divergence = np.sum(np.where(v > 0, v * np.log(v / y), 0.0) - v + y)
                    expected = (divergence + 0.1 * w.sum() + 0.1 * np.sum(w * w)
                                + 0.3 * h.sum() + 0.2 * np.sum(h * h))
                    self.assertAlmostEqual(f.attrs["objective"] / expected, 1.0, delta=1e-8)
                    objective = f["history/objective"][...]
                    # Dense KL records iteration 1, every tenth and the last.
                    recorded = [1, 10, 20, 30] if loss == "kl" else list(range(1, 31))
                    self.assertEqual(list(f["history/iteration"][...]), recorded)
                    self.assertTrue((np.diff(objective) <= 1e-9 * objective[:-1]).all())

    def test_zero_rows_and_columns_give_finite_factors(self):
        data = self.path("zero_rows.h5")
        v = np.random.default_rng(1).uniform(0, 1, (40, 30))
        v[5, :] = 0
        v[:, 7] = 0
        with h5py.File(data, "w") as f:
            f["V"] = v
        for algorithm, loss in (("mu", "frobenius"), ("hals", "frobenius"), ("bpp", "frobenius"),
                                ("mu", "kl"), ("mu", "beta:0.5")):
            with self.subTest(algorithm=algorithm, loss=loss):
                # No ':' in the name: MPICH's ROMIO reads "beta:..." as a file-system prefix.
                out = self.path(f"zero_rows_{algorithm}_{loss.replace(':', '_')}.h5")
                run(4, "factorize", "--input", data, "--rank", 5, "--algorithm", algorithm,
                    "--loss", loss, "--max-iter", 100, "--output", out, "--quiet")
                with h5py.File(out, "r") as f:
                    w, h = f["W"][...], f["H"][...]
                    self.assertTrue(np.isfinite(w).all() and np.isfinite(h).all())
                    self.assertLess(f.attrs["relative_error"], 0.5)

    def test_float32_run_writes_single_precision(self):
        out = self.path("single.h5")
        run(2, "factorize", "--input", self.input, "--rank", 4, "--max-iter", 200, "--tol", 0,
            "--precision", "float32", "--output", out, "--quiet")
        ref = self.path("double.h5")
        run(2, "factorize", "--input", self.input, "--rank", 4, "--max-iter", 200, "--tol", 0,
            "--output", ref, "--quiet")
        with h5py.File(out, "r") as f, h5py.File(ref, "r") as g:
            self.assertEqual(f["W"].dtype, np.float32)
            self.assertEqual(f["H"].dtype, np.float32)
            self.assertEqual(f.attrs["precision"], "float32")
            # Stated float32 tolerance: relative error within 1e-3 of float64.
            self.assertAlmostEqual(f.attrs["relative_error"], g.attrs["relative_error"], delta=1e-3)

    def test_config_file_and_command_line_precedence(self):
        config = self.path("run.ini")
        with open(config, "w") as c:
            c.write(f"input = {self.input}\nrank = 3\nmax-iter = 7\ntol = 0\nseed = 9\n")
        out = self.path("config.h5")
        run(1, "factorize", "--config", config, "--max-iter", 4, "--output", out, "--quiet")
        with h5py.File(out, "r") as f:
            self.assertEqual(f.attrs["rank"], 3)        # from the file
            self.assertEqual(f.attrs["seed"], 9)        # from the file
            self.assertEqual(f.attrs["iterations"], 4)  # the command line wins

    def test_init_from_file_continues_a_run(self):
        first, second, straight = (self.path(n) for n in ("first.h5", "second.h5", "straight.h5"))
        common = ["--input", self.input, "--rank", 4, "--tol", 0, "--grid", "1x2", "--quiet"]
        run(2, "factorize", *common, "--max-iter", 10, "--output", first)
        run(2, "factorize", *common, "--max-iter", 10, "--init", "file:" + first, "--output", second)
        run(2, "factorize", *common, "--max-iter", 20, "--output", straight)
        with h5py.File(second, "r") as a, h5py.File(straight, "r") as b:
            np.testing.assert_allclose(a["W"][...], b["W"][...], rtol=1e-12, atol=0)
            np.testing.assert_allclose(a["H"][...], b["H"][...], rtol=1e-12, atol=0)

    def test_grid_option_and_uneven_grids(self):
        for ranks, grid in ((3, "3x1"), (3, "1x3"), (4, "2x2")):
            out = self.path(f"grid{grid}.h5")
            done = run(ranks, "factorize", "--input", self.input, "--rank", 4, "--max-iter", 15,
                       "--tol", 0, "--grid", grid, "--output", out)
            self.assertIn(f"grid {grid} (given)", done.stdout)
            with h5py.File(out, "r") as f:
                self.assertEqual(f.attrs["grid"], grid)

    def test_help_and_version(self):
        self.assertIn("factorize", run(1, "--help").stdout)
        self.assertIn("--rank", run(1, "factorize", "--help").stdout)
        self.assertIn("--noise", run(1, "generate", "--help").stdout)
        self.assertRegex(run(1, "--version").stdout, r"^gridnmf \d+\.\d+\.\d+")

    def assert_fails(self, ranks, args, code, message, untouched=()):
        """Runs a bad command: exit `code`, `message` printed exactly once, no
        output file created, and the files in `untouched` unchanged."""
        before = {p: open(p, "rb").read() for p in untouched}
        out = self.path("never.h5")
        done = run(ranks, *args, expect=code)
        lines = [l for l in done.stderr.splitlines() if l.startswith("gridnmf: error:")]
        self.assertEqual(len(lines), 1, done.stderr)
        self.assertIn(message, lines[0])
        self.assertFalse(os.path.exists(out))
        self.assertEqual(glob.glob(out + ".*partial"), [])
        for p, content in before.items():
            self.assertEqual(open(p, "rb").read(), content, p)

    def test_bad_input_fails_cleanly(self):
        out = self.path("never.h5")
        bad = self.path("bad.h5")
        with h5py.File(bad, "w") as f:
            f["V"] = -np.ones((6, 5))
            f["cube"] = np.ones((2, 3, 4))
        zeros = self.path("zeros.h5")
        with h5py.File(zeros, "w") as f:
            positive = np.ones((6, 5))
            positive[2, 3] = 0.0
            f["V"] = positive
        corrupt = self.path("corrupt.h5")
        with open(self.input, "rb") as src, open(corrupt, "wb") as dst:
            dst.write(src.read()[:2000])
        base = ["factorize", "--output", out]
        good = ["--input", self.input, "--rank", 4]
        cases = [
            (["--input", self.path("missing.h5"), "--rank", 4], 1, "missing.h5' does not exist"),
            (good + ["--dataset", "X"], 1, "dataset 'X' not found"),
            (["--input", bad, "--dataset", "cube", "--rank", 1], 1, "has 3 dimensions"),
            (["--input", bad, "--rank", 2], 1, "30 negative entries (first at row 0, column 0)"),
            (["--input", corrupt, "--rank", 4], 1, "truncated or corrupt"),
            (["--input", self.input, "--rank", 0], 2, "--rank must be a positive integer"),
            (["--input", self.input, "--rank", 44], 2, "exceeds min(m, n) = 43"),
            (good + ["--grid", "3x1"], 2, "grid 3x1 has 3 ranks but the job has"),
            (good + ["--algorithm", "magic"], 2, "unknown --algorithm 'magic'"),
            (good + ["--frobnicate"], 2, "unrecognised option '--frobnicate'"),
            (good + ["--algorithm", "bpp", "--loss", "kl"], 2,
             "--algorithm bpp supports only --loss frobenius"),
            (good + ["--loss", "beta:3"], 2, "--loss beta:B needs B in [0, 2]"),
            (good + ["--loss", "kl", "--pg-tol", "1e-4"], 2, "--pg-tol is defined for --loss frobenius"),
            (good + ["--l1-h", "-1"], 2, "must be >= 0"),
            (["--input", zeros, "--rank", 2, "--loss", "itakura-saito"], 1,
             "1 zero entries (first at row 2, column 3); --loss itakura-saito needs strictly positive"),
        ]
        for ranks in (1, 4):
            for extra, code, message in cases:
                with self.subTest(ranks=ranks, args=extra):
                    self.assert_fails(ranks, base + extra, code, message, untouched=[self.input])
        with self.subTest("output directory missing"):
            self.assert_fails(2, ["factorize", "--input", self.input, "--rank", 4, "--output",
                                  self.path("nodir/x.h5")], 2, "directory", untouched=[self.input])
        with self.subTest("malformed config file"):
            config = self.path("broken.ini")
            with open(config, "w") as c:
                c.write("rank = 4\nthis line is not an option\n")
            self.assert_fails(2, ["factorize", "--input", self.input, "--config", config,
                                  "--output", out], 2, "broken.ini")
        with self.subTest("an existing result survives a failed run"):
            existing = self.path("existing.h5")
            with open(existing, "wb") as e:
                e.write(b"last week's result")
            self.assert_fails(2, ["factorize", "--input", bad, "--rank", 2, "--output", existing],
                              1, "negative entries", untouched=[existing])
        with self.subTest("output is the input"):
            self.assert_fails(2, ["factorize", "--input", self.input, "--rank", 4, "--output",
                                  self.input], 2, "is the input file", untouched=[self.input])
        with self.subTest("grid with more rows than the matrix"):
            tiny = self.path("tiny.h5")
            run(1, "generate", "--rows", 2, "--cols", 30, "--rank", 1, "--output", tiny)
            self.assert_fails(4, ["factorize", "--input", tiny, "--rank", 1, "--grid", "4x1",
                                  "--output", out], 2, "grid has 4 rows but the matrix only 2")


if __name__ == "__main__":
    harness.main()
