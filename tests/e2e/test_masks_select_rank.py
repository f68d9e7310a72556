#!/usr/bin/python3
"""Missing values, held-out entries and `gridnmf select-rank` end to end:
NaN entries are imputed to 1e-6 on an exact low-rank matrix at 2 and 4
ranks; the held-out mask is the documented hash (recomputed here in Python)
on any rank count; select-rank recommends the true rank; a sweep killed with
kill -9 and rerun, and a sweep split over two runs and merged with
--table-only, give the uninterrupted sweep's table; bad options fail in one
line leaving nothing behind."""
import os
import tempfile
import unittest

import h5py
import numpy as np

import harness
from checkpoint_helpers import Job, run

MASK64 = (1 << 64) - 1


def mix(x):
    """SplitMix64's finaliser, as in include/gridnmf/matrix/holdout_mask.hpp."""
    x = (x + 0x9E3779B97F4A7C15) & MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK64
    return x ^ (x >> 31)


def holdout_mask(seed, fraction, rows, cols):
    """The held-out mask of README "Held-out entries", entry by entry."""
    threshold = int(fraction * 2.0 ** 64)
    row_keys = [mix(seed ^ mix((r + 0x632BE59BD9B4E019) & MASK64)) for r in range(rows)]
    col_keys = [mix((c * 0x9E3779B97F4A7C15 + 0x8CB92BA72F3D8DD7) & MASK64) for c in range(cols)]
    return np.array([[mix(rk ^ ck) < threshold for ck in col_keys] for rk in row_keys])


def sparse_holdout(seed, fraction, dense):
    """The held-out entries of a sparse input (README): the nonzeros the mask
    hides, and per row as many zero candidates, kept where V is zero."""
    rows, cols = dense.shape
    hidden = holdout_mask(seed, fraction, rows, cols) & (dense != 0)
    zeros = np.zeros_like(hidden)
    for i in range(rows):
        row_key = mix(seed ^ mix((i + 0x632BE59BD9B4E019) & MASK64))
        for t in range(int(hidden[i].sum())):
            c = mix(row_key ^ mix((t * 0xD1B54A32D192ED03 + 0x5851F42D4C957F2D) & MASK64)) % cols
            zeros[i, c] |= dense[i, c] == 0
    return hidden | zeros


def write_csr(path, dense):
    rows_of, cols_of = np.nonzero(dense)
    with h5py.File(path, "w") as f:
        group = f.create_group("V")
        group["data"] = dense[rows_of, cols_of]
        group["indices"] = cols_of.astype(np.int64)
        group["indptr"] = np.searchsorted(rows_of, np.arange(dense.shape[0] + 1)).astype(np.int64)
        group.attrs["shape"] = np.array(dense.shape, dtype=np.int64)
        group.attrs["format"] = "csr"


def low_rank(rows, cols, k, seed, snr_db=None):
    rng = np.random.default_rng(seed)
    v = rng.random((rows, k)) @ rng.random((k, cols))
    if snr_db is not None:
        noise = rng.standard_normal(v.shape)
        noise *= np.linalg.norm(v) / np.linalg.norm(noise) / 10 ** (snr_db / 20)
        v = np.maximum(v + noise, 0.0)
    return v


def table(path):
    with h5py.File(path, "r") as f:
        return {name: f[name][()] for name in f}, dict(f.attrs)


class MasksAndSelectRank(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_masks_")
        cls.dir = cls.tmp.name
        cls.sweep = cls.path("r4.h5")
        with h5py.File(cls.sweep, "w") as f:
            f["V"] = low_rank(50, 70, 4, 3, snr_db=25)
        cls.uninterrupted = cls.path("full.h5")
        run(2, *cls.sweep_args(cls.uninterrupted, "full.sweep"))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.dir, name)

    @classmethod
    def sweep_args(cls, output, sweep_dir, ranks="3:5", *extra):
        return ["select-rank", "--input", cls.sweep, "--ranks", ranks, "--replicates", 3,
                "--holdout", 0.1, "--max-iter", 100, "--grid", "1x2", "--output", output,
                "--sweep-dir", cls.path(sweep_dir), *extra]

    def assert_same_table(self, path):
        expected, expected_attrs = table(self.uninterrupted)
        got, got_attrs = table(path)
        self.assertEqual(sorted(got), sorted(expected))
        for name in expected:
            np.testing.assert_array_equal(got[name], expected[name], err_msg=name)
        self.assertEqual(got_attrs["recommended_k"], expected_attrs["recommended_k"])

    def test_nan_entries_are_imputed_on_exact_low_rank(self):
        v = low_rank(61, 47, 4, 5)
        missing = np.random.default_rng(6).random(v.shape) < 0.3
        given = v.copy()
        given[missing] = np.nan
        path = self.path("nan.h5")
        with h5py.File(path, "w") as f:
            f["V"] = given
        for ranks in (2, 4):
            with self.subTest(ranks=ranks):
                out = self.path(f"imputed_{ranks}.h5")
                run(ranks, "factorize", "--input", path, "--rank", 4, "--missing", "nan",
                    "--algorithm", "bpp", "--max-iter", 1600, "--tol", 0, "--output", out,
                    "--quiet")
                with h5py.File(out, "r") as f:
                    wh = f["W"][()] @ f["H"][()]
                    self.assertEqual(f.attrs["missing_entries"], missing.sum())
                error = np.linalg.norm((wh - v)[missing]) / np.linalg.norm(v[missing])
                self.assertLess(error, 1e-6)

    def test_nan_is_an_error_without_missing_nan(self):
        path = self.path("one_nan.h5")
        v = low_rank(20, 15, 2, 1)
        v[3, 4] = np.nan
        with h5py.File(path, "w") as f:
            f["V"] = v
        out = self.path("never.h5")
        done = run(2, "factorize", "--input", path, "--rank", 2, "--output", out, expect=1)
        self.assertIn("NaN", done.stderr)
        self.assertFalse(os.path.exists(out))

    def test_heldout_error_is_measured_on_the_documented_mask(self):
        v = low_rank(37, 29, 3, 8, snr_db=20)
        path = self.path("ho.h5")
        with h5py.File(path, "w") as f:
            f["V"] = v
        hidden = holdout_mask(17, 0.2, *v.shape)
        errors = []
        for ranks in (1, 3):
            out = self.path(f"ho_{ranks}.h5")
            run(ranks, "factorize", "--input", path, "--rank", 3, "--holdout", 0.2,
                "--holdout-seed", 17, "--algorithm", "mu", "--max-iter", 50, "--tol", 0,
                "--output", out, "--quiet")
            with h5py.File(out, "r") as f:
                wh = f["W"][()] @ f["H"][()]
                self.assertEqual(f.attrs["heldout_entries"], hidden.sum())
                expected = np.linalg.norm((v - wh)[hidden]) / np.linalg.norm(v[hidden])
                self.assertAlmostEqual(f.attrs["heldout_relative_error"] / expected, 1.0,
                                       places=10)
                train = np.linalg.norm((v - wh)[~hidden]) / np.linalg.norm(v[~hidden])
                self.assertAlmostEqual(f.attrs["relative_error"] / train, 1.0, places=10)
                errors.append(f.attrs["heldout_relative_error"])
        self.assertAlmostEqual(errors[0] / errors[1], 1.0, places=9)

    def test_sparse_heldout_entries_are_the_documented_ones_on_any_grid(self):
        rng = np.random.default_rng(2)
        dense = (rng.random((43, 37)) < 0.3) * rng.integers(1, 9, (43, 37)).astype(float)
        path = self.path("sparse.h5")
        write_csr(path, dense)
        hidden = sparse_holdout(9, 0.2, dense)
        for ranks, balance in ((1, "none"), (3, "permute")):
            with self.subTest(ranks=ranks, balance=balance):
                out = self.path(f"sparse_{ranks}.h5")
                run(ranks, "factorize", "--input", path, "--rank", 3, "--holdout", 0.2,
                    "--holdout-seed", 9, "--algorithm", "mu", "--max-iter", 30, "--tol", 0,
                    "--balance", balance, "--output", out, "--quiet")
                with h5py.File(out, "r") as f:
                    wh = f["W"][()] @ f["H"][()]
                    self.assertEqual(f.attrs["heldout_entries"], hidden.sum())
                    expected = np.linalg.norm((dense - wh)[hidden]) / np.linalg.norm(dense[hidden])
                    self.assertAlmostEqual(f.attrs["heldout_relative_error"] / expected, 1.0,
                                           places=10)
                    train = np.linalg.norm((dense - wh)[~hidden]) / np.linalg.norm(dense[~hidden])
                    self.assertAlmostEqual(f.attrs["relative_error"] / train, 1.0, places=10)

    def test_missing_pattern_leaves_its_entries_out_for_dense_and_sparse_input(self):
        rng = np.random.default_rng(4)
        dense = (rng.random((41, 33)) < 0.4) * rng.integers(1, 9, (41, 33)).astype(float)
        missing = rng.random(dense.shape) < 0.1
        sparse_path, dense_path, pattern = (self.path(n) for n in ("pv.h5", "pd.h5", "pm.h5"))
        write_csr(sparse_path, dense)
        write_csr(pattern, missing.astype(float))
        with h5py.File(dense_path, "w") as f:
            f["V"] = dense
        for source, ranks, balance in ((sparse_path, 1, "none"), (sparse_path, 3, "permute"),
                                       (dense_path, 2, "none")):
            with self.subTest(source=source, ranks=ranks, balance=balance):
                out = self.path(f"pattern_{ranks}.h5")
                run(ranks, "factorize", "--input", source, "--rank", 3, "--missing-pattern",
                    pattern, "--algorithm", "mu", "--max-iter", 30, "--tol", 0, "--balance",
                    balance, "--output", out, "--quiet")
                with h5py.File(out, "r") as f:
                    wh = f["W"][()] @ f["H"][()]
                    self.assertEqual(f.attrs["missing_entries"], missing.sum())
                    observed = ~missing
                    train = (np.linalg.norm((dense - wh)[observed])
                             / np.linalg.norm(dense[observed]))
                    self.assertAlmostEqual(f.attrs["relative_error"] / train, 1.0, places=10)

    def test_select_rank_recommends_the_true_rank(self):
        _, attrs = table(self.uninterrupted)
        self.assertEqual(attrs["recommended_k"], 4)
        self.assertIn("within one standard error", attrs["rule"])
        with open(self.path("full.csv")) as f:
            lines = f.read().splitlines()
        self.assertEqual(lines[0].split(",")[0], "k")
        self.assertEqual(len(lines), 1 + 3)
        # A second true rank and seed, with KL and the masked MU it uses.
        data = self.path("r3.h5")
        with h5py.File(data, "w") as f:
            f["V"] = low_rank(50, 60, 3, 11, snr_db=30)
        out = self.path("r3_table.h5")
        run(2, "select-rank", "--input", data, "--ranks", "2:4", "--replicates", 3,
            "--seed", 4, "--max-iter", 100, "--output", out, "--quiet")
        self.assertEqual(table(out)[1]["recommended_k"], 3)
        # Sparse input in float32 at 3 ranks: factors with 60% zeros, noise on
        # the nonzeros only.
        rng = np.random.default_rng(12)
        w = rng.random((60, 3)) * (rng.random((60, 3)) < 0.4)
        h = rng.random((3, 80)) * (rng.random((3, 80)) < 0.4)
        v = w @ h
        noise = rng.standard_normal(v.shape) * (v > 0)
        v = np.maximum(v + noise * np.linalg.norm(v) / np.linalg.norm(noise) / 10 ** 1.5, 0) * (v > 0)
        sparse = self.path("r3_sparse.h5")
        write_csr(sparse, v)
        out = self.path("r3_sparse_table.h5")
        run(3, "select-rank", "--input", sparse, "--ranks", "2:4", "--replicates", 3,
            "--max-iter", 100, "--precision", "float32", "--output", out, "--quiet")
        self.assertEqual(table(out)[1]["recommended_k"], 3)

    def test_sparse_kl_select_rank_on_topic_counts(self):
        """select-rank --loss kl on a sparse count matrix (documents x words
        drawn from 3 topics): masked KL MU at the nonzeros only."""
        rng = np.random.default_rng(21)
        topics = rng.dirichlet(np.full(90, 0.05), size=3)  # 3 x words
        mixtures = rng.dirichlet(np.full(3, 0.3), size=80)  # documents x 3
        counts = rng.poisson(60 * mixtures @ topics).astype(float)
        path = self.path("counts.h5")
        write_csr(path, counts)
        out = self.path("kl_sparse_table.h5")
        done = run(2, "select-rank", "--input", path, "--ranks", "2:5", "--replicates", 3,
                   "--algorithm", "mu", "--loss", "kl", "--holdout", 0.1, "--max-iter", 200,
                   "--output", out)
        self.assertIn("loss kl,", done.stdout)
        rows, attrs = table(out)
        self.assertEqual(list(rows["k"]), [2, 3, 4, 5])
        self.assertTrue(np.all(np.isfinite(rows["heldout_error_mean"])))
        self.assertEqual(attrs["recommended_k"], 3)

    def test_missing_nan_on_sparse_input_with_kl(self):
        """--missing nan on sparse input: stored NaN values are missing
        entries; the training error counts the other entries only."""
        rng = np.random.default_rng(22)
        dense = (rng.random((40, 31)) < 0.4) * rng.integers(1, 9, (40, 31)).astype(float)
        missing = (dense > 0) & (rng.random(dense.shape) < 0.15)
        given = dense.copy()
        given[missing] = np.nan
        path = self.path("nan_sparse.h5")
        write_csr(path, given)
        for ranks in (1, 3):
            with self.subTest(ranks=ranks):
                out = self.path(f"nan_sparse_{ranks}.h5")
                done = run(ranks, "factorize", "--input", path, "--rank", 3, "--missing", "nan",
                           "--loss", "kl", "--max-iter", 40, "--tol", 0, "--output", out)
                self.assertIn(f"{missing.sum()} missing (NaN) entries", done.stdout)
                with h5py.File(out, "r") as f:
                    wh = f["W"][()] @ f["H"][()]
                    self.assertEqual(f.attrs["missing_entries"], missing.sum())
                    observed = ~missing
                    train = (np.linalg.norm((dense - wh)[observed])
                             / np.linalg.norm(dense[observed]))
                    self.assertAlmostEqual(f.attrs["relative_error"] / train, 1.0, places=10)
                    y = wh[observed]
                    v = dense[observed]
                    kl = np.sum(np.where(v > 0, v * np.log(np.where(v > 0, v, 1) / y), 0) - v + y)
                    self.assertAlmostEqual(f.attrs["objective"] / kl, 1.0, places=9)

    def test_killed_sweep_resumes_to_the_same_table(self):
        out = self.path("killed.h5")
        job = Job(2, *self.sweep_args(out, "killed.sweep"))
        job.wait_for_line("(cell 4 of 9)")
        job.kill_job()
        job.process.wait()
        job.process.stdout.close()
        job.process.stderr.close()
        cells = [name for name in os.listdir(self.path("killed.sweep")) if name.endswith(".h5")]
        self.assertGreaterEqual(len(cells), 4)
        self.assertLess(len(cells), 9)
        self.assertFalse(os.path.exists(out))
        done = run(2, *self.sweep_args(out, "killed.sweep"))
        self.assertIn("already in", done.stdout)
        self.assertEqual(done.stdout.count("already in"), len(cells))
        self.assert_same_table(out)

    def test_split_sweep_merged_with_table_only_equals_one_sweep(self):
        # What jobs/select_rank.sbatch does: array tasks share a sweep directory.
        run(2, *self.sweep_args(self.path("part_a.h5"), "split.sweep", "3,5"), "--cells-only",
            "--quiet")
        run(2, *self.sweep_args(self.path("part_b.h5"), "split.sweep", "4"), "--cells-only",
            "--quiet")
        self.assertFalse(os.path.exists(self.path("part_a.h5")))
        merged = self.path("merged.h5")
        # The merge step reads cells only: any rank count.
        run(1, "select-rank", "--input", self.sweep, "--ranks", "3:5", "--replicates", 3,
            "--holdout", 0.1, "--max-iter", 100, "--output", merged,
            "--sweep-dir", self.path("split.sweep"),
            "--table-only", "--quiet")
        self.assert_same_table(merged)

    def test_select_rank_draws_the_three_curves(self):
        """TABLE.png beside the table: 800 x 660 RGB, the recommended k's
        column dashed in the marker colour (214, 39, 40), no other k's."""
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.image
        picture = (matplotlib.image.imread(self.path("full.png"))[:, :, :3] * 255).round()
        self.assertEqual(picture.shape, (660, 800, 3))
        recommended = int(table(self.uninterrupted)[1]["recommended_k"])

        def column(k, first=3, last=5):  # include/gridnmf/picture/rank_sweep_picture.hpp
            return 130 + (k - first) * 620 // (last - first)

        def marker_pixels(k):  # below the title line, which is in the marker colour too
            return int(np.all(picture[45:, column(k)] == (214, 39, 40), axis=1).sum())

        self.assertGreater(marker_pixels(recommended), 100)
        for k in {3, 4, 5} - {recommended}:
            self.assertEqual(marker_pixels(k), 0, k)

    def test_select_rank_help_describes_the_sweep(self):
        done = run(1, "select-rank", "--help")
        text = " ".join(done.stdout.split())  # the help wraps lines
        self.assertIn("--output arg HDF5 file to write the sweep's table to", text)
        self.assertIn("TABLE.csv, TABLE.png", text)
        self.assertNotIn("W, H and the run record", text)
        self.assertIn("--tol arg (=1e-05)", text)
        self.assertIn("--holdout arg (=0.05)", text)
        self.assertIn("--min-stability arg (=0.8)", text)
        for refused in ("--checkpoint", "--resume", "--restarts", "--report", "--rank arg",
                        "--n-components", "--pg-tol", "--sparseness-w"):
            self.assertNotIn(refused, text)
        # Still parsed, and refused with the reason.
        done = run(1, "select-rank", "--input", self.sweep, "--ranks", "2:3", "--output",
                   self.path("never.h5"), "--checkpoint", self.path("c.h5"), expect=2)
        self.assertIn("checkpoints per cell", done.stderr)
        # No float noise in any command's defaults.
        for command in ("factorize", "select-rank", "unmix", "pca", "images", "top", "transform",
                        "evaluate", "generate", "convert"):
            with self.subTest(command=command):
                shown = run(1, command, "--help").stdout
                self.assertNotRegex(shown, r"\(=[0-9.e+-]*(00000|99999)[0-9]")

    def test_bad_options_fail_in_one_line_and_write_nothing(self):
        out = self.path("bad.h5")
        cases = [
            (["factorize", "--input", self.sweep, "--rank", 2, "--holdout", 0.7, "--output", out],
             2, "--holdout"),
            (["factorize", "--input", self.sweep, "--rank", 2, "--missing", "zero",
              "--output", out], 2, "--missing"),
            (["factorize", "--input", self.sweep, "--rank", 2, "--holdout", 0.1, "--loss",
              "itakura-saito", "--output", out], 2, "--holdout"),
            (["select-rank", "--input", self.sweep, "--ranks", "6:2", "--output", out], 2,
             "--ranks"),
            (["factorize", "--input", self.sweep, "--rank", 2, "--missing-pattern", self.sweep,
              "--output", out], 2, "--missing-pattern"),
            (["select-rank", "--input", self.sweep, "--ranks", "2:100", "--output", out], 2,
             "min(m, n)"),
            (["select-rank", "--input", self.sweep, "--ranks", "2:4", "--table-only",
              "--sweep-dir", self.path("empty.sweep"), "--output", out], 2, "no cell"),
            (["select-rank", "--input", self.sweep, "--ranks", "3:5", "--replicates", 3,
              "--holdout", 0.2, "--max-iter", 100, "--grid", "1x2", "--table-only",
              "--sweep-dir", self.path("full.sweep"), "--output", out], 2, "other options"),
        ]
        for args, code, word in cases:
            with self.subTest(args=args):
                done = run(2, *args, expect=code)
                errors = [l for l in done.stderr.splitlines() if l.startswith("gridnmf: error:")]
                self.assertEqual(len(errors), 1, done.stderr)
                self.assertIn(word, errors[0])
                self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    harness.main()
