#!/usr/bin/python3
"""The README's topic-model and gene-program examples on the real data in
../shared/data/sparse: a KL topic model of the KOS blog corpus (its stored
objective recomputed with scipy from /W and /H), transform reproducing a
converged BPP model's H from its W, and gene programs of the Visium matrix
with their named top genes. Skips with a message when the folder is absent.
Extra argument: --sparse-data DIR."""
import json
import os
import sys
import tempfile
import unittest

import h5py
import numpy as np
import scipy.sparse as sp

import harness
import topic_helpers as th

# Read before the classes: their skip conditions need it.
SPARSE_DATA = None
if "--sparse-data" in sys.argv:
    _at = sys.argv.index("--sparse-data")
    SPARSE_DATA = sys.argv[_at + 1]
    del sys.argv[_at:_at + 2]


def data_file(name):
    return os.path.join(SPARSE_DATA or "", name)


@unittest.skipUnless(SPARSE_DATA and os.path.exists(data_file("kos_docword.kos.txt.gz")),
                     "the real data folder (--sparse-data ../shared/data/sparse) is absent")
class KosTopics(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_kos_")
        cls.kos = os.path.join(cls.tmp.name, "kos.h5")
        done = th.run(1, ["convert", "--input", data_file("kos_docword.kos.txt.gz"),
                          "--row-names", data_file("kos_vocab.kos.txt"), "--output", cls.kos])
        assert done.returncode == 0, done.stderr
        with h5py.File(cls.kos) as f:
            g = f["V"]
            cls.v = sp.csr_matrix((g["data"][:].astype(np.float64), g["indices"][:],
                                   g["indptr"][:]), shape=tuple(g.attrs["shape"]))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_kl_objective_equals_scipy_recomputation(self):
        out = os.path.join(self.tmp.name, "kos_kl.h5")
        done = th.run(2, ["factorize", "--input", self.kos, "--loss", "kl", "--rank", 20,
                          "--max-iter", 30, "--tol", 0, "--output", out])
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("explained deviance", done.stdout)
        w, h = th.factors(out)
        coo = self.v.tocoo()
        wh = np.einsum("ij,ij->i", w[coo.row], h[:, coo.col].T)
        divergence = (np.sum(coo.data * np.log(coo.data / wh)) - coo.data.sum()
                      + w.sum(axis=0) @ h.sum(axis=1))
        with h5py.File(out) as f:
            self.assertAlmostEqual(f.attrs["objective"] / divergence, 1.0, places=10)
            self.assertEqual(f["row_names"][0].decode(), "aarp")
        top_json = os.path.join(self.tmp.name, "kos_top.json")
        done = th.run(2, ["top", "--result", out, "--n", 10, "--coherence", "--input", self.kos,
                          "--json", top_json])
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(top_json) as f:
            topics = json.load(f)
        self.assertEqual(len(topics["components"]), 20)
        self.assertTrue(-1 <= topics["mean_npmi"] <= 1)

    def test_transform_of_the_training_columns_reproduces_bpp_h(self):
        model = os.path.join(self.tmp.name, "kos_bpp.h5")
        done = th.run(2, ["factorize", "--input", self.kos, "--algorithm", "bpp", "--rank", 8,
                          "--init", "nndsvd", "--max-iter", 300, "--tol", 1e-13,
                          "--print-every", 0, "--output", model])
        self.assertEqual(done.returncode, 0, done.stderr)
        out = os.path.join(self.tmp.name, "kos_transform.h5")
        done = th.run(2, ["transform", "--model", model, "--input", self.kos, "--output", out])
        self.assertEqual(done.returncode, 0, done.stderr)
        _, h_model = th.factors(model)
        _, h = th.factors(out)
        self.assertLess(np.abs(h - h_model).max() / np.abs(h_model).max(), 1e-6)


@unittest.skipUnless(SPARSE_DATA and os.path.exists(
    data_file("visium_placenta_filtered_feature_bc_matrix.h5")),
    "the real data folder (--sparse-data ../shared/data/sparse) is absent")
class VisiumGenePrograms(unittest.TestCase):
    def test_gene_programs_list_named_genes(self):
        with tempfile.TemporaryDirectory(prefix="gridnmf_visium_") as tmp:
            source = data_file("visium_placenta_filtered_feature_bc_matrix.h5")
            out = os.path.join(tmp, "programs.h5")
            done = th.run(2, ["factorize", "--input", source, "--normalize", "log1p",
                              "--algorithm", "bpp", "--rank", 15, "--max-iter", 10,
                              "--output", out])
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertIn("normalised V: log1p", done.stdout)
            done = th.run(2, ["top", "--result", out, "--n", 5])
            self.assertEqual(done.returncode, 0, done.stderr)
            table = th.parse_top_table(done.stdout)
            self.assertEqual(len(table), 15)
            with h5py.File(source) as f:
                genes = {n.decode() for n in f["matrix/features/name"][:]}
            for _, _, _, rows in table:
                self.assertTrue(all(name in genes for name, _ in rows), rows)


if __name__ == "__main__":
    harness.main()
