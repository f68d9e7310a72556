#!/usr/bin/python3
"""Topic models and gene programs end to end, on small matrices: every
--normalize equals its numpy formula (dense and sparse input, 1 and 3
ranks); `top` returns the planted top rows in order and its JSON equals its
table; NPMI coherence equals a direct computation; `transform` and
`factorize --fix-w` solve H for a fixed W; the progress lines say what the
loss means."""
import json
import os
import tempfile
import unittest

import h5py
import numpy as np

import harness
import topic_helpers as th


class Normalization(unittest.TestCase):
    """factorize --normalize X on the raw matrix gives the factors of the
    matrix numpy normalised, and the stored objective is the one of the
    numpy-normalised matrix. BPP from a file start is an exact function of V."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_normalize_")
        cls.v = th.count_matrix(23, 17, 0.4, 11)
        cls.dense = cls.path("raw_dense.h5")
        cls.sparse = cls.path("raw_sparse.h5")
        th.write_dense(cls.dense, cls.v)
        th.write_sparse(cls.sparse, cls.v)
        rng = np.random.default_rng(2)
        cls.start = cls.path("start.h5")
        with h5py.File(cls.start, "w") as f:
            f["W"] = rng.random((23, 3)) + 0.1
            f["H"] = rng.random((3, 17)) + 0.1

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.tmp.name, name)

    def factorize(self, ranks, source, out, *extra):
        done = th.run(ranks, ["factorize", "--input", source, "--rank", 3, "--algorithm", "bpp",
                              "--max-iter", 2, "--tol", 0, "--init", "file:" + self.start,
                              "--print-every", 0, "--output", out, *extra])
        self.assertEqual(done.returncode, 0, done.stderr + done.stdout)
        return done

    def test_every_normalization_equals_numpy(self):
        for kind in ("tfidf", "l1-columns", "log1p"):
            expected = th.normalized(self.v, kind)
            prepared = self.path(f"numpy_{kind}.h5")
            th.write_dense(prepared, expected)
            reference = self.path(f"reference_{kind}.h5")
            self.factorize(1, prepared, reference)
            w_ref, h_ref = th.factors(reference)
            for ranks in (1, 3):
                for source in (self.dense, self.sparse):
                    with self.subTest(kind=kind, ranks=ranks, source=os.path.basename(source)):
                        out = self.path(f"{kind}_{ranks}_{os.path.basename(source)}")
                        self.factorize(ranks, source, out, "--normalize", kind)
                        w, h = th.factors(out)
                        np.testing.assert_allclose(w, w_ref, rtol=1e-8, atol=1e-10)
                        np.testing.assert_allclose(h, h_ref, rtol=1e-8, atol=1e-10)
                        with h5py.File(out) as f:
                            self.assertEqual(f.attrs["normalize"], kind)
                            self.assertIn(f"normalize = {kind}", f.attrs["options"])
                            objective = f.attrs["objective"]
                            if kind == "tfidf":
                                np.testing.assert_allclose(f["idf"][:], th.idf(self.v),
                                                           rtol=1e-12)
                            else:
                                self.assertNotIn("idf", f)
                        exact = 0.5 * np.sum((expected - w @ h) ** 2)
                        self.assertAlmostEqual(objective / exact, 1.0, places=9)

    def test_tfidf_zeros_are_dropped_so_sparse_kl_stays_finite(self):
        out = self.path("kl_tfidf.h5")
        done = th.run(2, ["factorize", "--input", self.sparse, "--rank", 3, "--loss", "kl",
                          "--max-iter", 20, "--tol", 0, "--normalize", "tfidf", "--output", out])
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("entries of rows present in every column became 0 and were dropped",
                      done.stdout)
        v = th.normalized(self.v, "tfidf")
        w, h = th.factors(out)
        wh = w @ h
        positive = v > 0
        exact = np.sum(v[positive] * np.log(v[positive] / wh[positive])) - v.sum() + wh.sum()
        with h5py.File(out) as f:
            self.assertAlmostEqual(f.attrs["objective"] / exact, 1.0, places=9)

    def test_resume_with_another_normalization_is_refused(self):
        checkpoint, out = self.path("ck_log1p.h5"), self.path("ck_out.h5")
        common = ["factorize", "--input", self.sparse, "--rank", 3, "--tol", 0,
                  "--checkpoint", checkpoint, "--output", out, "--print-every", 0]
        done = th.run(2, [*common, "--max-iter", 3, "--normalize", "log1p"])
        self.assertEqual(done.returncode, 0, done.stderr)
        done = th.run(2, [*common, "--max-iter", 5, "--resume"])
        self.assertEqual(done.returncode, 2, done.stderr)
        self.assertIn("--normalize was log1p, now none", done.stderr)
        done = th.run(2, [*common, "--max-iter", 5, "--resume", "--normalize", "log1p"])
        self.assertEqual(done.returncode, 0, done.stderr)

    def test_unknown_normalization_is_refused_in_one_line(self):
        done = th.run(1, ["factorize", "--input", self.dense, "--rank", 2, "--output",
                          self.path("never.h5"), "--normalize", "zscore"])
        self.assertEqual(done.returncode, 2)
        self.assertIn("unknown --normalize 'zscore' (supported: none, tfidf, l1-columns, log1p)",
                      done.stderr)
        self.assertFalse(os.path.exists(self.path("never.h5")))


class Top(unittest.TestCase):
    """`gridnmf top` on a factorization of a planted V = W H with named rows."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_top_")
        cls.w, cls.h = th.planted_factors()
        cls.names = [f"word{i:02d}" for i in range(cls.w.shape[0])]
        cls.input = os.path.join(cls.tmp.name, "planted.h5")
        th.write_dense(cls.input, cls.w @ cls.h,
                       names=(cls.names, [f"doc{j}" for j in range(cls.h.shape[1])]))
        cls.result = os.path.join(cls.tmp.name, "result.h5")
        done = th.run(2, ["factorize", "--input", cls.input, "--rank", 4, "--algorithm", "hals",
                          "--init", "nndsvd", "--max-iter", 500, "--tol", 1e-12,
                          "--print-every", 0, "--output", cls.result])
        assert done.returncode == 0, done.stderr

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_planted_top_rows_in_order_and_json_equals_table(self):
        json_path = os.path.join(self.tmp.name, "top.json")
        done = th.run(2, ["top", "--result", self.result, "--n", 5, "--json", json_path])
        self.assertEqual(done.returncode, 0, done.stderr)
        table = th.parse_top_table(done.stdout)
        self.assertEqual(len(table), 4)
        # Components by share 0.4, 0.3, 0.2, 0.1: planted component l owns rows 5l .. 5l+4.
        for planted, (component, share, _, rows) in enumerate(table):
            self.assertEqual([name for name, _ in rows],
                             [self.names[5 * planted + t] for t in range(5)])
        with h5py.File(self.result) as f:
            shares = f["component_share"][:]
            w, h = f["W"][:], f["H"][:]
        direct = w.sum(axis=0) * h.sum(axis=1)
        np.testing.assert_allclose(shares, direct / direct.sum(), rtol=1e-12)
        self.assertEqual([c for c, *_ in table], list(np.argsort(-shares, kind="stable")))
        with open(json_path) as f:
            data = json.load(f)
        self.assertEqual(len(data["components"]), len(table))
        for entry, (component, share, _, rows) in zip(data["components"], table):
            self.assertEqual(entry["component"], component)
            self.assertEqual(float(f"{entry['share']:.4f}"), share)
            self.assertAlmostEqual(entry["share"], shares[component], places=12)
            self.assertEqual([r["name"] for r in entry["rows"]], [name for name, _ in rows])
            self.assertEqual([float(f"{r['weight']:.4g}") for r in entry["rows"]],
                             [weight for _, weight in rows])
            self.assertEqual([self.names[r["row"]] for r in entry["rows"]],
                             [r["name"] for r in entry["rows"]])

    def test_rows_without_names_are_listed_by_index(self):
        model = os.path.join(self.tmp.name, "unnamed.h5")
        th.write_model(model, self.w, self.h)
        done = th.run(1, ["top", "--result", model, "--n", 3])
        self.assertEqual(done.returncode, 0, done.stderr)
        table = th.parse_top_table(done.stdout)
        self.assertEqual([name for name, _ in table[0][3]], ["0", "1", "2"])
        self.assertEqual(table[0][0], 0)

    def test_coherence_equals_a_direct_npmi_computation(self):
        rng = np.random.default_rng(4)
        corpus = (rng.random((12, 40)) < 0.35) * rng.integers(1, 4, (12, 40))
        corpus[:3, :20] += 1  # rows 0-2 co-occur in the first half
        corpus[5, :] = 0
        corpus[5, :7] = 2
        corpus[11, :] = 1     # present in every column
        corpus[10, :] = 0     # never present
        w = rng.random((12, 3))
        w[[0, 1, 2, 11], 0] += [5, 4, 3, 2]
        w[[5, 10, 3, 4], 1] += [5, 4, 3, 2]
        w[[11, 6, 7, 8], 2] += [5, 4, 3, 2]
        model = os.path.join(self.tmp.name, "coherence_model.h5")
        th.write_model(model, w, rng.random((3, 40)))
        expected = th.npmi_direct(corpus, [np.argsort(-w[:, l], kind="stable")[:4]
                                           for l in range(3)])
        dense = os.path.join(self.tmp.name, "corpus_dense.h5")
        sparse = os.path.join(self.tmp.name, "corpus_sparse.h5")
        th.write_dense(dense, corpus)
        th.write_sparse(sparse, corpus.astype(np.float64))
        for ranks in (1, 3):
            for source in (dense, sparse):
                with self.subTest(ranks=ranks, source=os.path.basename(source)):
                    json_path = os.path.join(self.tmp.name, f"npmi_{ranks}.json")
                    done = th.run(ranks, ["top", "--result", model, "--n", 4, "--coherence",
                                          "--input", source, "--json", json_path])
                    self.assertEqual(done.returncode, 0, done.stderr)
                    with open(json_path) as f:
                        data = json.load(f)
                    got = {c["component"]: c["npmi"] for c in data["components"]}
                    for l in range(3):
                        self.assertAlmostEqual(got[l], expected[l], places=12)
                    self.assertAlmostEqual(data["mean_npmi"], np.mean(expected), places=12)
                    self.assertIn(f"mean NPMI {np.mean(expected):.4f}", done.stdout)

    def test_coherence_needs_the_training_rows(self):
        other = os.path.join(self.tmp.name, "other.h5")
        th.write_dense(other, np.ones((7, 5)))
        done = th.run(2, ["top", "--result", self.result, "--coherence", "--input", other])
        self.assertEqual(done.returncode, 1)
        errors = [l for l in done.stderr.splitlines() if "error" in l]
        self.assertEqual(len(errors), 1, done.stderr)
        self.assertIn("has 7 rows but the model's W has 30", errors[0])


class Transform(unittest.TestCase):
    """H for a fixed W: transform and factorize --fix-w."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_transform_")
        rng = np.random.default_rng(7)
        cls.w = rng.random((41, 4))
        cls.h = rng.random((4, 33)) * (rng.random((4, 33)) < 0.6)  # exact zeros to find
        cls.names = [f"gene{i}" for i in range(41)]
        cls.model = cls.path("model.h5")
        th.write_model(cls.model, cls.w, names=cls.names)
        cls.dense = cls.path("new_dense.h5")
        cls.sparse = cls.path("new_sparse.h5")
        v = cls.w @ cls.h
        th.write_dense(cls.dense, v, names=(cls.names, [f"cell{j}" for j in range(33)]))
        th.write_sparse(cls.sparse, v)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.tmp.name, name)

    def test_frobenius_transform_recovers_h_true_on_every_rank_count(self):
        for ranks in (1, 2, 3, 4):
            for source in (self.dense, self.sparse):
                with self.subTest(ranks=ranks, source=os.path.basename(source)):
                    out = self.path(f"h_{ranks}_{os.path.basename(source)}")
                    done = th.run(ranks, ["transform", "--model", self.model, "--input", source,
                                          "--output", out])
                    self.assertEqual(done.returncode, 0, done.stderr)
                    w, h = th.factors(out)
                    np.testing.assert_array_equal(w, self.w)
                    self.assertLess(np.abs(h - self.h).max(), 1e-8)
                    with h5py.File(out) as f:
                        self.assertEqual(f.attrs["iterations"], 1)  # one exact NNLS solve

    def test_fix_w_keeps_w_and_fits_h(self):
        out = self.path("fix_w.h5")
        done = th.run(2, ["factorize", "--input", self.dense, "--fix-w", self.model,
                          "--algorithm", "hals", "--max-iter", 400, "--tol", 0,
                          "--print-every", 0, "--output", out])
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("only H is updated", done.stdout)
        w, h = th.factors(out)
        np.testing.assert_array_equal(w, self.w)
        self.assertLess(np.abs(h - self.h).max(), 1e-6)
        with h5py.File(out) as f:
            objective = f.attrs["objective"]
            self.assertEqual(f.attrs["rank"], 4)
        self.assertAlmostEqual(objective, 0.5 * np.sum((self.w @ self.h - w @ h) ** 2), places=12)

    def test_kl_transform_runs_mu_with_w_fixed(self):
        rng = np.random.default_rng(3)
        counts = rng.poisson(self.w @ self.h * 4)
        source = self.path("counts.h5")
        th.write_sparse(source, counts.astype(np.float64))
        model = self.path("kl_model.h5")
        th.write_model(model, self.w, loss="kl")
        out = self.path("kl_h.h5")
        done = th.run(3, ["transform", "--model", model, "--input", source, "--max-iter", 60,
                          "--tol", 0, "--output", out])
        self.assertEqual(done.returncode, 0, done.stderr)
        w, h = th.factors(out)
        np.testing.assert_array_equal(w, self.w)
        with h5py.File(out) as f:
            self.assertEqual(f.attrs["loss"], "kl")
            objectives = f["history/objective"][:]
            stored = f.attrs["objective"]
        self.assertEqual(len(objectives), 60)
        self.assertTrue(np.all(np.diff(objectives) <= 1e-9 * objectives[0]))
        wh = w @ h
        positive = counts > 0
        exact = (np.sum(counts[positive] * np.log(counts[positive] / wh[positive]))
                 - counts.sum() + wh.sum())
        self.assertAlmostEqual(stored / exact, 1.0, places=9)

    def test_tfidf_model_weights_new_columns_with_its_training_idf(self):
        train = th.count_matrix(41, 30, 0.4, 12)
        new = th.count_matrix(41, 9, 0.5, 13)
        train_path, new_path = self.path("train_counts.h5"), self.path("new_counts.h5")
        th.write_sparse(train_path, train)
        th.write_sparse(new_path, new)
        model = self.path("tfidf_model.h5")
        done = th.run(2, ["factorize", "--input", train_path, "--rank", 3, "--normalize", "tfidf",
                          "--algorithm", "hals", "--max-iter", 20, "--print-every", 0,
                          "--output", model])
        self.assertEqual(done.returncode, 0, done.stderr)
        out = self.path("tfidf_new.h5")
        done = th.run(3, ["transform", "--model", model, "--input", new_path, "--output", out])
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("idf of the model's training columns", done.stdout)
        weighted = self.path("new_weighted.h5")
        th.write_dense(weighted, new * th.idf(train)[:, None])
        reference = self.path("tfidf_reference.h5")
        done = th.run(1, ["transform", "--model", model, "--input", weighted, "--normalize", "none",
                          "--output", reference])
        self.assertEqual(done.returncode, 0, done.stderr)
        np.testing.assert_allclose(th.factors(out)[1], th.factors(reference)[1], rtol=1e-9,
                                   atol=1e-12)

    def test_mismatched_rows_are_refused_in_one_line(self):
        fewer = self.path("fewer_rows.h5")
        th.write_dense(fewer, (self.w @ self.h)[:-1])
        renamed = self.path("renamed_rows.h5")
        names = list(self.names)
        names[17] = "other"
        th.write_dense(renamed, self.w @ self.h, names=(names, [f"c{j}" for j in range(33)]))
        cases = [(fewer, "has 40 rows but --model " + self.model + " has a W of 41 rows"),
                 (renamed, "row 17 of --input " + renamed + " is 'other' but row 17 of --model")]
        for source, message in cases:
            with self.subTest(source=os.path.basename(source)):
                out = self.path("never.h5")
                done = th.run(2, ["transform", "--model", self.model, "--input", source,
                                  "--output", out])
                self.assertEqual(done.returncode, 1, done.stderr)
                errors = [l for l in done.stderr.splitlines() if l.startswith("gridnmf: error")]
                self.assertEqual(len(errors), 1, done.stderr)
                self.assertIn(message, errors[0])
                self.assertFalse(os.path.exists(out))


class Progress(unittest.TestCase):
    """What the progress lines and the summary say about the loss."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_progress_")
        cls.v = th.count_matrix(31, 26, 0.3, 9)
        cls.dense = os.path.join(cls.tmp.name, "dense.h5")
        cls.sparse = os.path.join(cls.tmp.name, "sparse.h5")
        th.write_dense(cls.dense, cls.v)
        th.write_sparse(cls.sparse, cls.v)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def mean_model_divergence(self):
        v = self.v
        mean = np.outer(v.sum(axis=1), v.sum(axis=0)) / v.sum()
        positive = v > 0
        return np.sum(v[positive] * np.log(v[positive] / mean[positive])) - v.sum() + mean.sum()

    def test_kl_lines_show_deviance_per_nonzero_and_change_next_to_tol(self):
        for ranks, source in ((1, self.dense), (3, self.sparse)):
            with self.subTest(ranks=ranks, source=os.path.basename(source)):
                out = os.path.join(self.tmp.name, f"kl_{ranks}.h5")
                done = th.run(ranks, ["factorize", "--input", source, "--rank", 3, "--loss", "kl",
                                      "--max-iter", 25, "--tol", 1e-9, "--print-every", 10,
                                      "--output", out])
                self.assertEqual(done.returncode, 0, done.stderr)
                lines = [l for l in done.stdout.splitlines() if l.startswith("iter ")]
                # --print-every 10: the first line, then every 10th.
                self.assertEqual([int(l.split()[1].split("/")[0]) for l in lines], [1, 10, 20])
                w, h = th.factors(out)
                wh = w @ h
                positive = self.v > 0
                divergence = (np.sum(self.v[positive] * np.log(self.v[positive] / wh[positive]))
                              - self.v.sum() + wh.sum())
                with h5py.File(out) as f:
                    attrs = dict(f.attrs)
                    recorded = list(f["history/iteration"][:])
                    objectives = dict(zip(recorded, f["history/objective"][:]))
                null = self.mean_model_divergence()
                self.assertAlmostEqual(attrs["mean_model_divergence"] / null, 1.0, places=10)
                self.assertAlmostEqual(attrs["explained_deviance"], 1 - divergence / null,
                                       places=9)
                self.assertAlmostEqual(attrs["objective_per_nonzero"],
                                       divergence / np.count_nonzero(self.v), places=10)
                fields = lines[1].split()
                # The change per iteration since the record before: dense KL
                # records iteration 1, every tenth and the last; sparse every one.
                self.assertEqual(recorded, [1, 10, 20, 25] if source == self.dense
                                 else list(range(1, 26)))
                before = 1 if source == self.dense else 9
                change = abs(objectives[before] - objectives[10]) / objectives[10] / (10 - before)
                self.assertEqual(fields[fields.index("change") + 1], f"{change:.2e}")
                self.assertIn("(tol 1e-09)", lines[1])
                self.assertIn("change        - (tol 1e-09)", lines[0])
                per_nonzero = objectives[10] / np.count_nonzero(self.v)
                self.assertEqual(fields[fields.index("per_nonzero") + 1], f"{per_nonzero:.4e}")
                self.assertIn(f"explained deviance {1 - divergence / null:.4f}", done.stdout)

    def test_frobenius_lines_show_change_next_to_tol(self):
        out = os.path.join(self.tmp.name, "frobenius.h5")
        done = th.run(2, ["factorize", "--input", self.sparse, "--rank", 3, "--max-iter", 3,
                          "--tol", 0, "--print-every", 1, "--output", out])
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = [l for l in done.stdout.splitlines() if l.startswith("iter ")]
        self.assertEqual(len(lines), 3)
        self.assertTrue(all("(tol off)" in l for l in lines))
        self.assertNotIn("explained", done.stdout)


if __name__ == "__main__":
    harness.main()
