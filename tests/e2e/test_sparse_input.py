#!/usr/bin/python3
"""Sparse input end to end: the same matrix stored dense and sparse (CSR,
CSC, 10x Genomics, AnnData, transposed) gives the same W and H for every
algorithm and KL, on every grid of 1 to 4 ranks, with and without the
row/column permutation; names travel to the output; checkpoints resume;
KL's objective is exact and never increases; bad sparse input fails with one
line on every rank and leaves nothing behind.
Extra argument: --sparse-data DIR (the real files; those tests skip without it)."""
import glob
import json
import os
import subprocess
import sys
import tempfile
import unittest
from concurrent.futures import ThreadPoolExecutor

import h5py
import numpy as np
import scipy.io
import scipy.sparse as sp

import harness
from harness import Paths

SPARSE_DATA = None  # set from --sparse-data
TIME_LIMIT = 30
GRIDS = {1: ["1x1"], 2: ["1x2", "2x1"], 3: ["1x3", "3x1"], 4: ["1x4", "2x2", "4x1"]}


def write_sparse(path, matrix, fmt="csr", names=None, index_type=np.int64, value_type=None):
    """The layout scipy users (and gridnmf convert) write: a group V with
    data, indices, indptr and the attributes shape and format."""
    stored = matrix.tocsr() if fmt == "csr" else matrix.tocsc()
    with h5py.File(path, "w") as f:
        group = f.create_group("V")
        group["data"] = stored.data if value_type is None else stored.data.astype(value_type)
        group["indices"] = stored.indices.astype(index_type)
        group["indptr"] = stored.indptr.astype(np.int64)
        group.attrs["shape"] = np.array(stored.shape, dtype=np.int64)
        group.attrs["format"] = fmt
        if names:
            f["row_names"] = np.array(names[0], dtype=h5py.string_dtype())
            f["col_names"] = np.array(names[1], dtype=h5py.string_dtype())


def count_matrix(rows, cols, density, seed):
    """Integer counts with an all-zero row and column, as real data has."""
    rng = np.random.default_rng(seed)
    dense = rng.poisson(3.0, (rows, cols)) * (rng.random((rows, cols)) < density)
    dense[rows // 3, :] = 0
    dense[:, cols // 2] = 0
    return sp.csr_matrix(dense.astype(np.float64))


class SparseInput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_sparse_")
        cls.dir = cls.tmp.name
        cls.matrix = count_matrix(37, 29, 0.3, 5)
        cls.dense = cls.path("dense.h5")
        with h5py.File(cls.dense, "w") as f:
            f["V"] = cls.matrix.toarray()
        cls.csr = cls.path("csr.h5")
        write_sparse(cls.csr, cls.matrix, "csr",
                     names=([f"gene{i}" for i in range(37)], [f"cell{j}" for j in range(29)]))
        cls.csc = cls.path("csc.h5")
        write_sparse(cls.csc, cls.matrix, "csc", index_type=np.int32, value_type=np.int32)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.dir, name)

    @staticmethod
    def command(ranks, args):
        return [Paths.mpiexec, "-n", str(ranks), Paths.gridnmf,
                *map(str, args)]

    def run_ok(self, ranks, args):
        done = subprocess.run(self.command(ranks, args), capture_output=True, text=True,
                              timeout=120)
        self.assertEqual(done.returncode, 0, done.stderr + done.stdout)
        return done

    def factorize(self, ranks, source, output, *extra, iterations=30):
        quiet = [] if "--print-every" in extra else ["--print-every", 0]
        return self.run_ok(ranks, ["factorize", "--input", source, "--rank", 4, "--max-iter",
                                   iterations, "--tol", 0, "--seed", 3, "--output", output,
                                   *quiet, *extra])

    def assert_same_factors(self, expected, actual, tolerance=1e-10):
        with h5py.File(expected) as a, h5py.File(actual) as b:
            for name in ("W", "H"):
                scale = max(np.abs(a[name][:]).max(), 1e-300)
                self.assertLessEqual(np.abs(a[name][:] - b[name][:]).max() / scale, tolerance,
                                     name)

    def test_dense_and_sparse_agree_for_every_algorithm_and_grid(self):
        algorithms = [["--algorithm", "mu"], ["--algorithm", "hals"], ["--algorithm", "bpp"],
                      ["--algorithm", "mu", "--loss", "kl"]]
        references = {}
        for index, algorithm in enumerate(algorithms):
            references[index] = self.path(f"dense_{index}.h5")
            self.factorize(1, self.dense, references[index], *algorithm)
        runs = []
        for index, algorithm in enumerate(algorithms):
            for ranks, grids in GRIDS.items():
                for grid in grids:
                    for balance in ("permute", "none"):
                        out = self.path(f"sparse_{index}_{grid}_{balance}.h5")
                        runs.append((index, ranks, out, [*algorithm, "--grid", grid,
                                                         "--balance", balance]))
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda r: self.factorize(r[1], self.csr, r[2], *r[3]), runs))
        for index, ranks, out, extra in runs:
            with self.subTest(ranks=ranks, options=extra):
                self.assert_same_factors(references[index], out)

    def test_csc_with_int32_values_and_float32_runs(self):
        reference, out = self.path("dense_f32.h5"), self.path("csc_f32.h5")
        self.factorize(1, self.dense, reference, "--algorithm", "hals", "--precision", "float32")
        self.factorize(3, self.csc, out, "--algorithm", "hals", "--precision", "float32")
        self.assert_same_factors(reference, out, tolerance=1e-4)

    def test_kl_objective_is_exact_and_never_increases(self):
        out = self.path("kl.h5")
        self.factorize(4, self.csr, out, "--loss", "kl", iterations=50)
        v = self.matrix.toarray()
        with h5py.File(out) as f:
            w, h = f["W"][:], f["H"][:]
            objectives = f["history/objective"][:]
            stored = f.attrs["objective"]
        wh = w @ h
        positive = v > 0
        exact = np.sum(v[positive] * np.log(v[positive] / wh[positive])) - v.sum() + wh.sum()
        self.assertLess(abs(stored - exact) / exact, 1e-10)
        self.assertTrue(np.all(np.diff(objectives) <= 1e-12 * objectives[:-1]), objectives)
        dense_out = self.path("kl_dense.h5")
        self.factorize(1, self.dense, dense_out, "--loss", "kl", iterations=50)
        with h5py.File(dense_out) as f:
            dense_objectives = f["history/objective"][:]
            dense_iterations = f["history/iteration"][:]
        # Dense KL evaluates iteration 1, every tenth and the last; sparse every one.
        np.testing.assert_array_equal(dense_iterations, [1, 10, 20, 30, 40, 50])
        np.testing.assert_allclose(objectives[dense_iterations - 1], dense_objectives, rtol=1e-10)

    def test_names_arrive_in_the_output_in_the_input_order(self):
        out = self.path("named.h5")
        self.factorize(3, self.csr, out)
        with h5py.File(out) as f:
            self.assertEqual([n.decode() for n in f["row_names"][:]],
                             [f"gene{i}" for i in range(37)])
            self.assertEqual([n.decode() for n in f["col_names"][:]],
                             [f"cell{j}" for j in range(29)])

    def test_transpose_factorizes_the_stored_matrix_turned_over(self):
        dense_t = self.path("dense_t.h5")
        with h5py.File(dense_t, "w") as f:
            f["V"] = self.matrix.toarray().T
        reference, sparse_out, dense_out = (self.path(n) for n in
                                            ("t_ref.h5", "t_sparse.h5", "t_dense.h5"))
        self.factorize(1, dense_t, reference, "--algorithm", "hals")
        self.factorize(3, self.csr, sparse_out, "--algorithm", "hals", "--transpose")
        self.factorize(2, self.dense, dense_out, "--algorithm", "hals", "--transpose")
        self.assert_same_factors(reference, sparse_out)
        self.assert_same_factors(reference, dense_out)
        with h5py.File(sparse_out) as f:
            self.assertEqual(f["row_names"][0].decode(), "cell0")

    def test_resume_from_a_checkpoint_ends_where_an_uninterrupted_run_does(self):
        whole, part, ck = self.path("whole.h5"), self.path("part.h5"), self.path("ck.h5")
        self.factorize(3, self.csr, whole, "--algorithm", "hals", iterations=20)
        self.factorize(3, self.csr, part, "--algorithm", "hals", "--checkpoint", ck,
                       "--checkpoint-every", 10, iterations=10)
        self.factorize(3, self.csr, part, "--algorithm", "hals", "--checkpoint", ck,
                       "--resume", iterations=20)
        self.assert_same_factors(whole, part, tolerance=0.0)

    def test_resume_with_the_other_orientation_is_refused(self):
        square = self.path("square.h5")
        write_sparse(square, count_matrix(23, 23, 0.4, 8))
        out, ck = self.path("square_out.h5"), self.path("square_ck.h5")
        self.factorize(2, square, out, "--checkpoint", ck, iterations=3)
        done = subprocess.run(self.command(2, ["factorize", "--input", square, "--rank", 4,
                                               "--output", out, "--checkpoint", ck, "--resume",
                                               "--transpose"]),
                              capture_output=True, text=True, timeout=TIME_LIMIT)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("--transpose was as stored, now transposed", done.stderr)

    def test_report_states_the_nonzero_balance(self):
        out, report = self.path("reported.h5"), self.path("report.json")
        done = self.factorize(4, self.csr, out, "--report", report, "--print-every", 10)
        self.assertIn("sparse CSR float64", done.stdout.splitlines()[0])
        with open(report) as f:
            facts = json.load(f)["sparse_input"]
        self.assertEqual(facts["nonzeros"], self.matrix.nnz)
        self.assertTrue(facts["permuted"])
        self.assertGreaterEqual(facts["nonzero_imbalance"], 1.0)
        self.assertGreaterEqual(facts["nonzero_imbalance_unpermuted"], 1.0)

    def test_legacy_layouts_and_several_format_attributes(self):
        """h5sparse (and AnnData before 0.7) write h5sparse_format and
        h5sparse_shape; a group may carry format and h5sparse_format alike."""
        legacy, both = self.path("legacy.h5"), self.path("both.h5")
        write_sparse(legacy, self.matrix, "csc")
        write_sparse(both, self.matrix, "csr")
        with h5py.File(legacy, "a") as f:
            group = f["V"]
            group.attrs["h5sparse_shape"] = group.attrs["shape"]
            group.attrs["h5sparse_format"] = "csc"
            del group.attrs["shape"], group.attrs["format"]
        with h5py.File(both, "a") as f:
            f["V"].attrs["h5sparse_format"] = "csr"
        reference = self.path("legacy_ref.h5")
        self.factorize(1, self.dense, reference, "--algorithm", "hals")
        for source in (legacy, both):
            out = self.path("legacy_out.h5")
            self.factorize(2, source, out, "--algorithm", "hals")
            self.assert_same_factors(reference, out)

    def test_names_that_do_not_fit_are_left_out_with_a_note(self):
        path, out = self.path("short_names.h5"), self.path("short_names_out.h5")
        write_sparse(path, self.matrix, names=([f"g{i}" for i in range(36)],
                                               [f"c{j}" for j in range(29)]))
        done = self.factorize(2, path, out, "--print-every", 10)
        self.assertIn("ignored /row_names: 36 names for 37 entries", done.stdout)
        with h5py.File(out) as f:
            self.assertNotIn("row_names", f)
            self.assertEqual(f["col_names"].shape, (29,))

    def test_several_genomes_without_v_ask_for_a_choice(self):
        path, out = self.path("genomes.h5"), self.path("genomes_out.h5")
        csc = self.matrix.tocsc()
        with h5py.File(path, "w") as f:
            for genome in ("hg19", "mm10"):
                group = f.create_group(genome)
                group["data"], group["indices"], group["indptr"] = csc.data, csc.indices, csc.indptr
                group["shape"] = np.array(csc.shape)
                group["barcodes"] = np.array([b"c%d" % j for j in range(29)])
        done = subprocess.run(self.command(2, ["factorize", "--input", path, "--rank", 2,
                                               "--output", out]),
                              capture_output=True, text=True, timeout=TIME_LIMIT)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("holds 2 sparse matrices (hg19, mm10): choose one with --dataset",
                      done.stderr)
        self.factorize(2, path, out, "--dataset", "mm10")

    def test_heavy_rows_are_spread_by_the_permutation(self):
        rng = np.random.default_rng(4)
        heavy = sp.random(400, 300, density=0.01, random_state=4, format="lil")
        heavy[:20, :] = rng.random((20, 300)) + 0.1  # the first rows are dense
        path, report = self.path("heavy.h5"), self.path("heavy.json")
        write_sparse(path, sp.csr_matrix(heavy))
        self.factorize(4, path, self.path("heavy_out.h5"), "--grid", "4x1", "--report", report,
                       iterations=2)
        with open(report) as f:
            facts = json.load(f)["sparse_input"]
        self.assertLess(facts["nonzero_imbalance"], 1.3)
        self.assertGreater(facts["nonzero_imbalance_unpermuted"], 2.0)


class RealFormats(unittest.TestCase):
    """Each real file factorizes exactly as its scipy reading stored dense."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_formats_")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def real(self, name):
        if SPARSE_DATA is None or not os.path.exists(os.path.join(SPARSE_DATA, name)):
            self.skipTest(f"real sparse files not found at {SPARSE_DATA}")
        return os.path.join(SPARSE_DATA, name)

    def check_reading(self, path, matrix, row_names, col_names, *extra):
        """gridnmf on `path` at 1 and 3 ranks equals gridnmf on the dense
        `matrix` (scipy's reading, features x samples), names included."""
        dense = os.path.join(self.tmp.name, "dense.h5")
        with h5py.File(dense, "w") as f:
            f["V"] = matrix.toarray()
        reference = os.path.join(self.tmp.name, "reference.h5")
        common = ["--rank", 3, "--max-iter", 15, "--tol", 0, "--print-every", 0,
                  "--algorithm", "hals"]
        SparseInput.run_ok(self, 1, ["factorize", "--input", dense, "--output", reference,
                                     *common])
        for ranks in (1, 3):
            out = os.path.join(self.tmp.name, f"sparse_{ranks}.h5")
            SparseInput.run_ok(self, ranks, ["factorize", "--input", path, "--output", out,
                                             *common, *extra])
            SparseInput.assert_same_factors(self, reference, out)
            with h5py.File(out) as f:
                self.assertEqual([n.decode() for n in f["row_names"][:]], row_names)
                self.assertEqual([n.decode() for n in f["col_names"][:]], col_names)

    command = staticmethod(SparseInput.command)

    def test_10x_genomics_hdf5(self):
        path = self.real("scanpy10x_v3_filtered_feature_bc_matrix.h5")
        with h5py.File(path) as f:
            g = f["matrix"]
            matrix = sp.csc_matrix((g["data"][:], g["indices"][:], g["indptr"][:]),
                                   shape=tuple(g["shape"][:]))
            genes = [n.decode() for n in g["features/name"][:]]
            cells = [n.decode() for n in g["barcodes"][:]]
        self.check_reading(path, matrix, genes, cells)

    def test_anndata_is_read_as_genes_by_cells(self):
        path = self.real("squidpy_visium_subset.h5ad")
        with h5py.File(path) as f:
            x = f["X"]
            matrix = sp.csr_matrix((x["data"][:], x["indices"][:], x["indptr"][:]),
                                   shape=tuple(x.attrs["shape"]))
            cells = [n.decode() if isinstance(n, bytes) else n for n in f["obs/_index"][:]]
            genes = [n.decode() if isinstance(n, bytes) else n for n in f["var/_index"][:]]
        self.check_reading(path, matrix.T.tocsr(), genes, cells)

    def test_matrix_market_through_convert(self):
        path = self.real("seurat_pbmcsmall_matrix.mtx")
        converted = os.path.join(self.tmp.name, "pbmc.h5")
        SparseInput.run_ok(self, 2, ["convert", "--input", path, "--output", converted])
        matrix = scipy.io.mmread(path).tocsr()
        genes = [line.split("\t")[1].strip() if "\t" in line else line.strip()
                 for line in open(self.real("seurat_pbmcsmall_genes.tsv"))]
        cells = [line.strip() for line in open(self.real("seurat_pbmcsmall_barcodes.tsv"))]
        self.check_reading(converted, matrix, genes, cells)


class BadSparseInput(unittest.TestCase):
    """One line, the same exit code at 1 and 4 ranks, no output left."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_bad_sparse_")
        cls.matrix = count_matrix(30, 20, 0.3, 9)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def broken(self, name, change):
        """A CSR file of the good matrix with `change(group)` applied."""
        path = os.path.join(self.tmp.name, name + ".h5")
        write_sparse(path, self.matrix)
        with h5py.File(path, "a") as f:
            change(f["V"])
        return path

    @staticmethod
    def replace(group, name, values):
        del group[name]
        group[name] = values

    def test_every_case_at_1_and_4_ranks(self):
        csr = self.matrix.tocsr()
        data, indices, indptr = csr.data, csr.indices, csr.indptr
        bad_indptr = indptr.copy()
        bad_indptr[5], bad_indptr[6] = bad_indptr[6] + 1, bad_indptr[5]
        cases = [
            ("index_out_of_range",
             lambda g: self.replace(g, "indices", np.where(np.arange(len(indices)) == 7, 20,
                                                           indices)),
             1, "is outside 0..19"),
            ("indptr_decreasing", lambda g: self.replace(g, "indptr", bad_indptr), 1,
             "decreases at position"),
            ("indptr_short_end", lambda g: self.replace(g, "indptr", np.minimum(
                indptr, indptr[-1] - 1)), 1, "ends at"),
            ("indptr_wrong_length", lambda g: self.replace(g, "indptr", indptr[:-3]), 1,
             "indptr has 28 entries"),
            ("lengths_differ", lambda g: self.replace(g, "data", data[:-1]), 1, "values but"),
            ("negative_value", lambda g: self.replace(g, "data", np.where(
                np.arange(len(data)) == 3, -1.0, data)), 1, "must be finite and non-negative"),
            ("nan_value", lambda g: self.replace(g, "data", np.where(
                np.arange(len(data)) == len(data) - 1, np.nan, data)), 1,
             "must be finite and non-negative"),
            ("no_nonzeros", lambda g: (self.replace(g, "data", np.zeros(0)),
                                       self.replace(g, "indices", np.zeros(0, np.int64)),
                                       self.replace(g, "indptr", np.zeros(31, np.int64))), 1,
             "has no nonzero entries"),
            ("only_zeros", lambda g: self.replace(g, "data", np.zeros(len(data))), 1,
             "holds only zeros"),
            ("empty_shape", lambda g: g.attrs.modify("shape", np.array([0, 20])), 1, "is empty"),
            ("missing_indptr", lambda g: g.__delitem__("indptr"), 1,
             "without a 'indptr' dataset"),
            ("missing_shape", lambda g: g.attrs.__delitem__("shape"), 1, "has no 'shape'"),
            ("unknown_format", lambda g: g.attrs.modify("format", "coo"), 1, "has format 'coo'"),
            ("float32_overflow", lambda g: self.replace(g, "data", np.where(
                np.arange(len(data)) == 2, 1e39, data)), 1,
             "is beyond the range of --precision float32"),
        ]
        good = self.broken("good", lambda g: None)
        runs = [(ranks, [os.path.join(self.tmp.name, f"out_{name}_{ranks}.h5"),
                         self.broken(name, change)], code, message)
                for ranks in (1, 4) for name, change, code, message in cases]
        runs += [(ranks, [os.path.join(self.tmp.name, f"out_{what}_{ranks}.h5"), good, *extra],
                  2, message) for ranks in (1, 4) for what, extra, message in [
            ("is", ["--loss", "itakura-saito"], "not supported on sparse input"),
            ("spa", ["--init", "spa"], "--init spa needs dense input"),
            ("balance", ["--balance", "sometimes"], "--balance must be permute or none")]]

        def attempt(run):
            ranks, (out, path, *extra), _, _ = run
            precision = ["--precision", "float32"] if "float32" in path else []
            return subprocess.run(SparseInput.command(ranks, [
                "factorize", "--input", path, "--rank", 2, "--output", out, *precision,
                *extra]),
                capture_output=True, text=True, timeout=TIME_LIMIT)

        with ThreadPoolExecutor(max_workers=3) as pool:
            results = list(pool.map(attempt, runs))
        for (ranks, (out, path, *extra), code, message), done in zip(runs, results):
            with self.subTest(ranks=ranks, file=os.path.basename(path), extra=extra):
                self.assertEqual(done.returncode, code, done.stderr)
                lines = [l for l in done.stderr.splitlines() if l.startswith("gridnmf: error:")]
                self.assertEqual(len(lines), 1, done.stderr)
                self.assertIn(message, lines[0])
                self.assertFalse(os.path.exists(out))
                self.assertEqual(glob.glob(out + ".*"), [])

    def test_unmix_refuses_a_sparse_matrix(self):
        good = self.broken("unmix_input", lambda g: None)
        out = os.path.join(self.tmp.name, "never_unmix.h5")
        done = subprocess.run(SparseInput.command(2, ["unmix", "--input", good, "--endmembers", 3,
                                                      "--output", out]),
                              capture_output=True, text=True, timeout=TIME_LIMIT)
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("unmix needs a dense scene", done.stderr)
        self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    if "--sparse-data" in sys.argv:
        at = sys.argv.index("--sparse-data")
        SPARSE_DATA = sys.argv[at + 1]
        del sys.argv[at:at + 2]
    harness.main()
