#!/usr/bin/python3
"""gridnmf convert of Matrix Market (plain and gzip) and UCI bag-of-words
files into the sparse CSR layout, at 1 and 3 ranks: the group read back with
h5py equals scipy.io.mmread(file).tocsr() (duplicates summed, zeros dropped)
exactly, with the layout's dtypes and attributes; names arrive in /row_names
and /col_names; the real files in ../shared/data/sparse (skipped when absent)
equal their 10x HDF5 twins; every bad input gives its exit code and one error
line, and leaves no output and the inputs as they were.

Extra argument: --sparse-data DIR (the real files)."""
import glob
import gzip
import os
import shutil
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

TIME_LIMIT = 60  # seconds per run; a hang fails the test
SPARSE_DATA = None  # set from --sparse-data


def gzip_file(path, target=None):
    target = target or path + ".gz"
    with open(path, "rb") as src, gzip.open(target, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return target


def command(ranks, args):
    return [Paths.mpiexec, "-n", str(ranks), Paths.gridnmf, "convert",
            *map(str, args)]


# mpiexec waits this long (default 1 s, twice) before it kills the ranks of a
# job that exited non-zero; here they have all exited already.
ENVIRONMENT = dict(os.environ, OMPI_MCA_odls_base_sigkill_timeout="0")


def run(ranks, args):
    return subprocess.run(command(ranks, args), capture_output=True, text=True,
                          timeout=TIME_LIMIT, env=ENVIRONMENT)


def run_all(runs):
    """(ranks, args) pairs, three at a time: most of a run is mpiexec start-up."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        return list(pool.map(lambda r: run(*r), runs))


def random_entries(rng, rows, cols, count, integer):
    """Entries avoiding some rows and columns (left empty), with every tenth
    entry stored twice (summed) and some explicit zeros (dropped)."""
    used_rows = rng.choice(rows, size=max(1, rows * 2 // 3), replace=False)
    used_cols = rng.choice(cols, size=max(1, cols * 2 // 3), replace=False)
    cells = rng.choice(len(used_rows) * len(used_cols), size=count, replace=False)
    r, c = used_rows[cells // len(used_cols)], used_cols[cells % len(used_cols)]
    if integer:
        v = rng.integers(0, 1000, count).astype(np.int64)
    else:
        v = rng.uniform(0, 1, count) * 10.0 ** rng.integers(-5, 6, count)
    v[rng.random(count) < 0.1] = 0
    twice = np.arange(0, count, 10)
    # The duplicate of an entry: same position, its own value, so each
    # position holds at most two values and their sum does not depend on order.
    r, c = np.concatenate([r, r[twice]]), np.concatenate([c, c[twice]])
    v = np.concatenate([v, v[twice][::-1]])
    return sp.coo_matrix((v, (r, c)), shape=(rows, cols))


def canonical(matrix):
    csr = sp.csr_matrix(matrix)
    csr.sum_duplicates()
    csr.eliminate_zeros()
    return csr


class ConvertSparse(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_sparse_")
        cls.dir = cls.tmp.name

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, *parts):
        return os.path.join(cls.dir, *parts)

    def read_group(self, path, group="V"):
        """The CSR group as scipy sparse, after checking the layout itself."""
        with h5py.File(path, "r") as f:
            g = f[group]
            self.assertEqual(g.attrs["format"], "csr")
            self.assertEqual(g.attrs["shape"].dtype, np.int64)
            shape = tuple(int(s) for s in g.attrs["shape"])
            data, indices, indptr = g["data"][()], g["indices"][()], g["indptr"][()]
        self.assertEqual(indices.dtype, np.int64)
        self.assertEqual(indptr.dtype, np.int64)
        self.assertEqual(len(indptr), shape[0] + 1)
        self.assertEqual(indptr[0], 0)
        self.assertEqual(indptr[-1], len(data))
        self.assertEqual(len(indices), len(data))
        for i in range(shape[0]):  # strictly ascending columns: sorted, no duplicates
            self.assertTrue(np.all(np.diff(indices[indptr[i]:indptr[i + 1]]) > 0), i)
        self.assertTrue(np.all(data != 0))
        return sp.csr_matrix((data, indices, indptr), shape=shape)

    def assert_same(self, got, expected, dtype):
        self.assertEqual(got.shape, expected.shape)
        self.assertEqual(got.dtype, np.dtype(dtype))
        np.testing.assert_array_equal(got.indptr, expected.indptr)
        np.testing.assert_array_equal(got.indices, expected.indices)
        np.testing.assert_array_equal(got.data, expected.data.astype(dtype))

    def assert_ok(self, done):
        self.assertEqual(done.returncode, 0, done.stderr)

    def names(self, path, name):
        with h5py.File(path, "r") as f:
            if name not in f:
                return None
            self.assertEqual(h5py.check_string_dtype(f[name].dtype).encoding, "utf-8")
            return list(f[name].asstr()[()])

    def test_matrix_market_equals_scipy(self):
        rng = np.random.default_rng(7)
        cases = [  # name, rows, cols, entries, field, symmetry
            ("int_tall", 53, 17, 300, "integer", "general"),
            ("int_wide", 9, 71, 200, "integer", "general"),
            ("real", 40, 33, 500, "real", "general"),
            ("pattern", 31, 29, 150, "pattern", "general"),
            ("real_sym", 24, 24, 120, "real", "symmetric"),
            ("one_row", 1, 13, 8, "real", "general"),
        ]
        files = []
        for name, rows, cols, count, field, symmetry in cases:
            matrix = random_entries(rng, rows, cols, count, field == "integer")
            if symmetry == "symmetric":
                lower = matrix.row >= matrix.col
                matrix = sp.coo_matrix((matrix.data[lower], (matrix.row[lower], matrix.col[lower])),
                                       shape=matrix.shape)
            if field == "pattern":  # pattern stores positions only; zeros would be ones
                matrix.data[:] = 1
            plain = self.path(f"{name}.mtx")
            scipy.io.mmwrite(plain, matrix, field=field, symmetry=symmetry)
            files += [(plain, field), (gzip_file(plain), field)]
        runs = [(ranks, ["--input", f, "--output", self.path(f"{os.path.basename(f)}.{ranks}.h5")])
                for f, _ in files for ranks in (1, 3)]
        for (ranks, args), done in zip(runs, run_all(runs)):
            with self.subTest(input=args[1], ranks=ranks):
                self.assert_ok(done)
                field = dict(files)[args[1]]
                got = self.read_group(args[3])
                expected = canonical(scipy.io.mmread(args[1]))
                self.assert_same(got, expected, "int64" if field == "integer" else "float64")
                with h5py.File(args[3], "r") as f:
                    self.assertEqual(f.attrs["source_format"], "matrix_market")
                    self.assertIn(args[1], f.attrs["source"])
                    self.assertIn(f"coordinate {field}", f.attrs["source"])
                    self.assertNotIn("row_names", f)
                self.assertEqual(glob.glob(args[3] + ".*"), [])
        # A real-valued matrix really has duplicates and zeros to fold.
        raw = scipy.io.mmread(self.path("real.mtx"))
        self.assertGreater(raw.nnz, canonical(raw).nnz)

    def test_comments_blank_lines_and_precision(self):
        text = ("%%MatrixMarket matrix coordinate integer general\n% a comment\n\n"
                "%another\n  3 4 5  \n1 1 7\n\n3 4 2\r\n% inside\n2 2 0\n3 4 1\n1 3 +4\n")
        path = self.path("commented.mtx")
        with open(path, "w") as f:
            f.write(text)
        out, out64 = self.path("commented.h5"), self.path("commented64.h5")
        done, done64 = run_all([(1, ["--input", path, "--output", out]),
                                (3, ["--input", path, "--output", out64, "--precision",
                                     "float64", "--dataset", "counts/V"])])
        self.assert_ok(done)
        self.assert_ok(done64)
        expected = sp.csr_matrix(np.array([[7, 0, 4, 0], [0, 0, 0, 0], [0, 0, 0, 3]]))
        self.assert_same(self.read_group(out), expected, "int64")
        self.assert_same(self.read_group(out64, "counts/V"), expected, "float64")
        self.assertIn("3 x 4, 3 nonzeros from 5 entries in the file", done.stdout)

    def test_10x_names_found_and_given(self):
        rng = np.random.default_rng(3)
        matrix = random_entries(rng, 12, 7, 25, True)
        os.mkdir(self.path("tenx"))
        prefix = self.path("tenx", "s1_")
        scipy.io.mmwrite(prefix + "matrix.mtx", matrix, field="integer")
        gzip_file(prefix + "matrix.mtx")
        genes = [f"gene{i}é" for i in range(12)]  # UTF-8 must survive
        with gzip.open(prefix + "features.tsv.gz", "wt", encoding="utf-8") as f:
            f.writelines(f"ENSG{i:05d}\t{g}\tGene Expression\n" for i, g in enumerate(genes))
        barcodes = [f"AC{i}-1" for i in range(7)]
        with open(prefix + "barcodes.tsv", "w") as f:
            f.writelines(b + "\n" for b in barcodes)
        single = self.path("tenx", "other_rows.txt")
        with open(single, "w") as f:
            f.writelines(f"row {i}\n" for i in range(12))
        found, given = self.path("tenx_found.h5"), self.path("tenx_given.h5")
        runs = [(3, ["--input", prefix + "matrix.mtx.gz", "--output", found]),
                (1, ["--input", prefix + "matrix.mtx", "--output", given, "--row-names", single])]
        done_found, done_given = run_all(runs)
        self.assert_ok(done_found)
        self.assert_ok(done_given)
        self.assertEqual(self.names(found, "row_names"), genes)
        self.assertEqual(self.names(found, "col_names"), barcodes)
        self.assertEqual(self.names(given, "row_names"), [f"row {i}" for i in range(12)])
        self.assertEqual(self.names(given, "col_names"), barcodes)
        self.assertIn(f"row names from {prefix}features.tsv.gz (found beside the input)",
                      done_found.stdout)
        self.assertIn(f"row names from {single} (--row-names)", done_given.stdout)
        self.assert_same(self.read_group(found), canonical(matrix), "int64")

    def write_docword(self, path, documents, words, entries):
        with open(path, "w") as f:
            f.write(f"{documents}\n{words}\n{len(entries)}\n")
            f.writelines(f"{d} {w} {c}\n" for d, w, c in entries)

    def test_bag_of_words(self):
        rng = np.random.default_rng(5)
        documents, words = 23, 41
        matrix = random_entries(rng, words, documents, 120, True)  # words x documents
        entries = list(zip(matrix.col + 1, matrix.row + 1, matrix.data))
        vocabulary = [f"word{i}" for i in range(words)]
        os.mkdir(self.path("uci"))
        plain = self.path("uci", "docword.toy.txt")
        self.write_docword(plain, documents, words, entries)
        with gzip.open(self.path("uci", "vocab.toy.txt.gz"), "wt") as f:
            f.writelines(w + "\n" for w in vocabulary)
        prefixed = gzip_file(plain, self.path("uci", "toy_docword.toy.txt.gz"))
        with open(self.path("uci", "toy_vocab.toy.txt"), "w") as f:
            f.writelines(w.upper() + "\n" for w in vocabulary)
        titles = self.path("uci", "titles.txt")
        with open(titles, "w") as f:
            f.writelines(f"doc {i}\n" for i in range(documents))
        runs = [(1, ["--input", plain, "--output", self.path("uci1.h5")]),
                (3, ["--input", plain, "--output", self.path("uci3.h5"), "--col-names", titles]),
                (3, ["--input", prefixed, "--output", self.path("uci_gz.h5")])]
        done = run_all(runs)
        for d in done:
            self.assert_ok(d)
        expected = canonical(matrix)
        for name in ("uci1.h5", "uci3.h5", "uci_gz.h5"):
            self.assert_same(self.read_group(self.path(name)), expected, "int64")
        self.assertEqual(self.names(self.path("uci1.h5"), "row_names"), vocabulary)
        self.assertIsNone(self.names(self.path("uci1.h5"), "col_names"))
        self.assertEqual(self.names(self.path("uci3.h5"), "col_names"),
                         [f"doc {i}" for i in range(documents)])
        self.assertEqual(self.names(self.path("uci_gz.h5"), "row_names"),
                         [w.upper() for w in vocabulary])
        with h5py.File(self.path("uci_gz.h5"), "r") as f:
            self.assertEqual(f.attrs["source_format"], "uci_bag_of_words")
            self.assertEqual(f.attrs["source"], f"{prefixed} (UCI bag-of-words docword, gzip)")

    def require_data(self, *names):
        if SPARSE_DATA is None or not all(
                os.path.exists(os.path.join(SPARSE_DATA, n)) for n in names):
            self.skipTest(f"real sparse files not found at {SPARSE_DATA}")
        return [os.path.join(SPARSE_DATA, n) for n in names]

    def assert_equals_10x_h5(self, out, h5_path):
        with h5py.File(h5_path, "r") as f:
            m = f["matrix"]
            expected = sp.csc_matrix((m["data"][()], m["indices"][()], m["indptr"][()]),
                                     shape=tuple(m["shape"][()])).tocsr()
            genes = list(m["features/name"].asstr()[()])
            barcodes = list(m["barcodes"].asstr()[()])
        expected.sort_indices()
        self.assert_same(self.read_group(out), canonical(expected), "int64")
        self.assertEqual(self.names(out, "row_names"), genes)
        self.assertEqual(self.names(out, "col_names"), barcodes)

    def test_shared_10x_matrices_equal_their_hdf5(self):
        visium, visium_h5, scanpy, scanpy_h5 = self.require_data(
            "visium_placenta_matrix.mtx.gz", "visium_placenta_filtered_feature_bc_matrix.h5",
            "scanpy10x_v3_matrix.mtx.gz", "scanpy10x_v3_filtered_feature_bc_matrix.h5")
        runs = [(3, ["--input", visium, "--output", self.path("visium.h5")]),
                (1, ["--input", scanpy, "--output", self.path("scanpy.h5")])]
        for d in run_all(runs):
            self.assert_ok(d)
        self.assert_equals_10x_h5(self.path("visium.h5"), visium_h5)
        self.assertEqual(self.read_group(self.path("visium.h5")).shape, (19465, 2898))
        self.assertEqual(self.read_group(self.path("visium.h5")).nnz, 1069459)
        self.assert_equals_10x_h5(self.path("scanpy.h5"), scanpy_h5)

    def test_shared_kos_and_pbmc_small(self):
        kos, vocab, pbmc, genes, barcodes = self.require_data(
            "kos_docword.kos.txt.gz", "kos_vocab.kos.txt", "seurat_pbmcsmall_matrix.mtx",
            "seurat_pbmcsmall_genes.tsv", "seurat_pbmcsmall_barcodes.tsv")
        runs = [(ranks, ["--input", source, "--output", self.path(f"{tag}{ranks}.h5")])
                for ranks in (1, 3) for source, tag in ((kos, "kos"), (pbmc, "pbmc"))]
        for d in run_all(runs):
            self.assert_ok(d)
        with gzip.open(kos, "rt") as f:
            documents, words, count = (int(f.readline()) for _ in range(3))
            d, w, c = np.loadtxt(f, dtype=np.int64, unpack=True)
        expected_kos = canonical(sp.coo_matrix((c, (w - 1, d - 1)), shape=(words, documents)))
        with open(vocab) as f:
            vocabulary = f.read().splitlines()
        expected_pbmc = canonical(scipy.io.mmread(pbmc))
        with open(genes) as f:
            gene_names = [line.rstrip("\n").split("\t")[1] for line in f]
        with open(barcodes) as f:
            barcode_names = f.read().splitlines()
        for ranks in (1, 3):
            kos_out, pbmc_out = self.path(f"kos{ranks}.h5"), self.path(f"pbmc{ranks}.h5")
            got = self.read_group(kos_out)
            self.assertEqual((got.shape, got.nnz, got.sum()), ((6906, 3430), 353160, 467714))
            self.assertEqual(count, 353160)
            self.assert_same(got, expected_kos, "int64")
            self.assertEqual(self.names(kos_out, "row_names"), vocabulary)
            self.assert_same(self.read_group(pbmc_out), expected_pbmc, "int64")
            self.assertEqual(self.names(pbmc_out, "row_names"), gene_names)
            self.assertEqual(self.names(pbmc_out, "col_names"), barcode_names)


class BadSparseInput(unittest.TestCase):
    """Each case at 1 and 3 ranks: exit code, exactly one error line with the
    expected text, no output (nor temporary) file, every input unchanged."""

    def test_every_case_at_1_and_3_ranks(self):
        tmp = tempfile.TemporaryDirectory(prefix="gridnmf_sparse_bad_")
        self.addCleanup(tmp.cleanup)
        folder = tmp.name

        def write(name, text, compress=False):
            path = os.path.join(folder, name)
            opener = gzip.open if compress else open
            with opener(path, "wt") as f:
                f.write(text)
            return path

        mm = "%%MatrixMarket matrix coordinate {field} general\n{size}\n{body}"

        def matrix(name, body, size="4 5 2", field="real"):
            return write(name, mm.format(field=field, size=size, body=body))

        junk = "1.5\x01zzzz" + "y" * 80
        big = "".join(f"{i % 50 + 1} {i % 40 + 1} {i + 1}\n" for i in range(20000))
        truncated = write("cut.mtx.gz", mm.format(field="integer", size="50 40 20000", body=big),
                          compress=True)
        with open(truncated, "rb") as f:
            content = f.read()
        with open(truncated, "wb") as f:
            f.write(content[: len(content) // 2])
        good = matrix("good.mtx", "1 1 1\n4 5 2\n")
        names3 = write("three_names.txt", "a\nb\nc\n")
        h5 = os.path.join(folder, "dense.h5")
        with h5py.File(h5, "w") as f:
            f["V"] = np.ones((3, 2))
        vocab = write("vocab.w.txt", "x\ny\n")
        docword = write("docword.w.txt", "2\n2\n1\n1 1 3\n")
        cases = [  # (arguments, exit code, text of the error line)
            (["--input", write("table.csv", "hello,world\n1,2,3\n")], 1,
             "is neither a Matrix Market file, a UCI docword file, HDF5 nor ENVI: "
             "it starts with 'hello,world'"),
            (["--input", write("junk.gz", "just some words\n", compress=True)], 1,
             "is gzip-compressed but neither a Matrix Market nor a UCI docword file: "
             "it starts with 'just some words'"),
            (["--input", write("banner.mtx", "%%MatrixMarket matrix coordinate real funky\n1 1 1\n1 1 1\n")], 1,
             "line 1: bad Matrix Market symmetry 'funky', expected general or symmetric"),
            (["--input", write("nobanner.mtx", "3 3 1\n1 1 1\n")], 1,
             "line 1: not a Matrix Market file: the first line must be"),
            (["--input", write("array.mtx", "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n")], 1,
             "dense (array) Matrix Market files are not supported, only coordinate"),
            (["--input", matrix("complex.mtx", "1 1 1 0\n", field="complex")], 1,
             "complex Matrix Market values are not supported"),
            (["--input", write("skew.mtx", "%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n2 1 1\n")], 1,
             "'skew-symmetric' Matrix Market files are not supported"),
            (["--input", matrix("size.mtx", "1 1 1\n", size="4 5")], 1,
             "line 2: bad size line '4 5', expected 'rows columns entries'"),
            (["--input", matrix("fewer.mtx", "1 1 1\n", size="4 5 3")], 1,
             "has 1 entries, its header says 3 (truncated file?)"),
            (["--input", matrix("more.mtx", "1 1 1\n2 2 2\n3 3 3\n")], 1,
             "line 5: more entries than the 2 its size line declares"),
            (["--input", matrix("zero_index.mtx", "1 1 1\n0 2 1\n")], 1,
             "line 4: row index 0 is outside 1..4"),
            (["--input", matrix("beyond.mtx", "1 1 1\n2 6 1\n")], 1,
             "line 4: column index 6 is outside 1..5"),
            (["--input", matrix("negative.mtx", "1 1 1\n2 3 -1.5\n")], 1,
             "line 4: negative value '-1.5' at row 2, column 3 (NMF needs non-negative data)"),
            (["--input", matrix("negative_int.mtx", "1 1 -2\n2 3 1\n", field="integer")], 1,
             "line 3: negative value -2 at row 1, column 1"),
            (["--input", matrix("nan.mtx", "1 1 1\n2 1 nan\n")], 1,
             "line 4: value 'nan' at row 2, column 1 is not finite (NaN or infinite)"),
            (["--input", matrix("inf.mtx", "1 1 1e999\n2 1 1\n")], 1,
             "line 3: value '1e999' at row 1, column 1 is not finite"),
            (["--input", matrix("junk.mtx", f"1 1 1\n2 1 {junk}\n")], 1,
             "line 4: value '1.5\\x01zzzz" + "y" * 32 + "...' at row 2, column 1 is not a number"),
            (["--input", matrix("fraction.mtx", "1 1 2.5\n2 1 1\n", field="integer")], 1,
             "value '2.5' at row 1, column 1 is not an integer (the header says integer)"),
            (["--input", matrix("fields.mtx", "1 1 1 9\n2 1 1\n")], 1,
             "line 3: expected 'row column value', got '1 1 1 9'"),
            (["--input", write("rect.mtx", "%%MatrixMarket matrix coordinate real symmetric\n2 3 1\n1 1 1\n")], 1,
             "a symmetric matrix must be square, got 2 x 3"),
            (["--input", truncated], 1, "is a truncated or corrupt gzip file"),
            (["--input", matrix("no_rows.mtx", "", size="0 5 0")], 1,
             "declares an empty matrix (0 x 5, 0 entries): nothing to factorize"),
            (["--input", matrix("no_entries.mtx", "", size="4 5 0")], 1,
             "declares an empty matrix (4 x 5, 0 entries)"),
            (["--input", matrix("huge_count.mtx", "1 1 1\n", size="4 5 99999999999999")], 1,
             "declares 99999999999999 entries, more than rank 0 can hold (24 bytes each)"),
            (["--input", matrix("huge_rows.mtx", "1 1 1\n", size="999999999999999 5 1")], 1,
             "rank 0 has not enough memory for a 999999999999999 x 5 matrix"),
            (["--input", matrix("all_zero.mtx", "1 1 0\n2 2 0.0\n")], 1,
             "has no nonzero entries (its 2 stored values are all 0): nothing to factorize"),
            (["--input", write("docword.h.txt", "3\n4\nabc\n1 1 1\n")], 1,
             "line 3: number of entries NNZ 'abc' is not a non-negative integer"),
            (["--input", write("docword.c.txt", "3\n4\n2\n1 1 1\n")], 1,
             "has 1 entries, its header says 2"),
            (["--input", write("docword.i.txt", "3\n4\n1\n1 5 1\n")], 1,
             "line 4: wordID 5 is outside 1..4"),
            (["--input", write("docword.d.txt", "3\n4\n1\n4 1 1\n")], 1,
             "line 4: docID 4 is outside 1..3"),
            (["--input", good, "--row-names", names3], 1,
             f"name file '{names3}' (--row-names) has 3 lines, the matrix has 4 rows"),
            (["--input", good, "--col-names", os.path.join(folder, "missing.txt")], 2,
             "--col-names '" + os.path.join(folder, "missing.txt") + "' does not exist"),
            (["--input", good, "--precision", "float32"], 2,
             "--precision float32 is not available for Matrix Market input"),
            (["--input", h5, "--row-names", names3], 2,
             "--row-names and --col-names apply to Matrix Market and UCI docword input only"),
            (["--input", docword, "--output", vocab], 2,
             f"--output '{vocab}' is an input file ('{vocab}')"),
        ]
        runs = []  # (case number, ranks, arguments, output that must never appear)
        for number, (args, _, _) in enumerate(cases):
            for ranks in (1, 3):
                out = os.path.join(folder, f"out{number}_{ranks}.h5")
                extra = [] if "--output" in args else ["--output", out]
                runs.append((number, ranks, args + extra, out))
        before = {}
        for name in os.listdir(folder):
            with open(os.path.join(folder, name), "rb") as f:
                before[name] = f.read()
        results = run_all([(ranks, args) for _, ranks, args, _ in runs])
        for (number, ranks, args, out), done in zip(runs, results):
            _, code, message = cases[number]
            with self.subTest(case=number, ranks=ranks, args=args):
                self.assertEqual(done.returncode, code, done.stderr + done.stdout)
                lines = [l for l in (done.stderr + done.stdout).splitlines()
                         if l.startswith("gridnmf:")]
                self.assertEqual(len(lines), 1, done.stderr + done.stdout)
                self.assertTrue(lines[0].startswith("gridnmf: error: "), lines[0])
                self.assertIn(message, lines[0])
                self.assertFalse(os.path.exists(out), out)
                self.assertEqual(glob.glob(out + ".*"), [], out)
        self.assertEqual(sorted(os.listdir(folder)), sorted(before))
        for name, content in before.items():
            with open(os.path.join(folder, name), "rb") as f:
                self.assertEqual(f.read(), content, name)


if __name__ == "__main__":
    if "--sparse-data" in sys.argv:
        at = sys.argv.index("--sparse-data")
        SPARSE_DATA = sys.argv[at + 1]
        del sys.argv[at:at + 2]
    harness.main()
