#!/usr/bin/python3
"""End-to-end tests of `gridnmf factorize --report FILE.json`: the JSON a
scaling study reads has every agreed key, consistent min/avg/max spreads,
phases that fit in the measured times, the iteration count of the output
file, traffic equal to the cost model of DESIGN.md section 1 and a positive
peak RSS; a failed run writes no report."""
import glob
import json
import os
import tempfile
import unittest

import h5py

import harness
from harness import Paths
from test_end_to_end import run

ROWS, COLS, K = 67, 45, 5
LOOP_PHASES = ("gram", "allgather", "gemm", "reduce_scatter", "local_update", "objective")
OTHER_PHASES = ("input_read", "output_write", "checkpoint", "init")
TOP_KEYS = ("gridnmf_version", "command", "ranks", "grid", "grid_rows", "grid_cols", "rows",
            "cols", "rank", "precision", "algorithm", "loss", "iterations", "loop_seconds",
            "seconds_per_iteration", "total_seconds", "phases", "communication_seconds",
            "bytes_per_iteration", "model_bytes_per_iteration", "flops_per_iteration",
            "gflops_per_second", "peak_rss_bytes")
COLLECTIVES = ("allgather", "reduce_scatter", "allreduce", "total")
SLACK_SECONDS = 0.05  # clock reads between phases; far below any phase sum here


def block(total, parts, part):
    """(begin, size) of the part-th of `parts` near-equal ranges (DESIGN.md 1)."""
    base, extra = divmod(total, parts)
    return part * base + min(part, extra), base + (1 if part < extra else 0)


def rank_model(m, n, pr, pc, i, j, k, element):
    """Bytes rank (i, j) gathers plus reduce-scatters away, per iteration (Frobenius)."""
    m_i = block(m, pr, i)[1]
    n_j = block(n, pc, j)[1]
    own_w = block(m_i, pc, j)[1]
    own_h = block(n_j, pr, i)[1]
    return k * (m_i - own_w + n_j - own_h) * element


def mean_model(m, n, pr, pc, k, element):
    """2 k ((pc-1) m + (pr-1) n) / p entries plus two k x k Gram matrices in double."""
    p = pr * pc
    gathers = 2 * k * ((pc - 1) * m + (pr - 1) * n) * element / p
    return gathers + (2 * k * k * 8 if p > 1 else 0)


class Report(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_report_")
        cls.dir = cls.tmp.name
        cls.input = os.path.join(cls.dir, "v.h5")
        run(2, "generate", "--rows", ROWS, "--cols", COLS, "--rank", K, "--noise", 0.01,
            "--seed", 7, "--output", cls.input)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)

    def factorize(self, ranks, name, *extra):
        out, report = self.path(name + ".h5"), self.path(name + ".json")
        run(ranks, "factorize", "--input", self.input, "--rank", K, "--max-iter", 15,
            "--tol", 0, "--output", out, "--report", report, "--quiet", *extra)
        self.assertEqual(glob.glob(report + ".*partial"), [])
        with open(report) as f:
            data = json.load(f)
        with h5py.File(out, "r") as f:
            attrs = dict(f.attrs)
        return data, attrs

    def check_spread(self, spread, what):
        self.assertEqual(set(spread), {"min", "avg", "max"}, what)
        for value in spread.values():
            self.assertIsInstance(value, (int, float), what)
        slack = 1e-9 * max(1.0, abs(spread["max"]))
        self.assertLessEqual(spread["min"], spread["avg"] + slack, what)
        self.assertLessEqual(spread["avg"], spread["max"] + slack, what)

    def check_report(self, data, attrs, ranks, element, loops=1, checkpoints=False):
        for key in TOP_KEYS:
            self.assertIn(key, data)
        self.assertEqual(data["command"], "factorize")
        self.assertEqual(data["ranks"], ranks)
        pr, pc = data["grid_rows"], data["grid_cols"]
        self.assertEqual(pr * pc, ranks)
        self.assertEqual(data["grid"], f"{pr}x{pc}")
        self.assertEqual(attrs["grid"], data["grid"])
        self.assertEqual((data["rows"], data["cols"], data["rank"]), (ROWS, COLS, K))
        for key in ("precision", "algorithm", "loss"):
            self.assertEqual(data[key], attrs[key], key)
        self.assertEqual(data["iterations"], int(attrs["iterations"]))
        self.assertEqual(data["iterations"], 15)
        self.assertEqual(data["loop_iterations"], 15 * loops)

        # Times: every phase a spread; the loop phases fit in the loop, all
        # phases in the whole run; communication is gram + allgather + reduce_scatter.
        self.assertEqual(set(data["phases"]), set(LOOP_PHASES + OTHER_PHASES))
        for name, spread in data["phases"].items():
            self.check_spread(spread, name)
            self.assertGreaterEqual(spread["min"], 0.0, name)
        self.check_spread(data["communication_seconds"], "communication_seconds")
        loop = sum(data["phases"][p]["avg"] for p in LOOP_PHASES)
        everything = sum(s["avg"] for s in data["phases"].values())
        self.assertGreater(data["phases"]["gemm"]["max"], 0.0)
        self.assertGreater(data["phases"]["input_read"]["max"], 0.0)
        self.assertGreater(data["phases"]["output_write"]["max"], 0.0)
        if not checkpoints:
            self.assertEqual(data["phases"]["checkpoint"]["max"], 0.0)
        self.assertLessEqual(loop, data["loop_seconds"] + SLACK_SECONDS)
        self.assertLessEqual(everything, data["total_seconds"] + SLACK_SECONDS)
        self.assertLessEqual(data["loop_seconds"], data["total_seconds"])
        self.assertAlmostEqual(
            data["communication_seconds"]["avg"],
            sum(data["phases"][p]["avg"] for p in ("gram", "allgather", "reduce_scatter")),
            delta=1e-6)
        self.assertAlmostEqual(data["seconds_per_iteration"] * 15 * loops, data["loop_seconds"],
                               delta=1e-6 * data["loop_seconds"])

        # Flops: two m n k GEMMs of 2 m n k flops each per iteration.
        self.assertEqual(data["flops_per_iteration"], 4 * ROWS * COLS * K)
        self.assertAlmostEqual(
            data["gflops_per_second"],
            data["flops_per_iteration"] / data["seconds_per_iteration"] / 1e9,
            delta=1e-6 * data["gflops_per_second"])

        # Traffic: exactly what the ownership implies per rank; the mean total
        # within 5% of the DESIGN model (the Gram bundles carry a few scalars).
        traffic = data["bytes_per_iteration"]
        self.assertEqual(set(traffic), set(COLLECTIVES))
        for kind in COLLECTIVES:
            self.assertEqual(set(traffic[kind]), {"sent", "received"})
            for direction in ("sent", "received"):
                self.check_spread(traffic[kind][direction], f"{kind} {direction}")
        per_rank = [rank_model(ROWS, COLS, pr, pc, i, j, K, element)
                    for i in range(pr) for j in range(pc)]
        for kind, direction in (("allgather", "received"), ("reduce_scatter", "sent")):
            spread = traffic[kind][direction]
            self.assertEqual(spread["min"], min(per_rank), kind)
            self.assertEqual(spread["max"], max(per_rank), kind)
            self.assertAlmostEqual(spread["avg"], sum(per_rank) / ranks, delta=1e-3)
        model = mean_model(ROWS, COLS, pr, pc, K, element)
        self.assertAlmostEqual(data["model_bytes_per_iteration"], model, delta=1e-6 * (1 + model))
        total = traffic["total"]
        self.assertAlmostEqual(total["sent"]["avg"], total["received"]["avg"],
                               delta=1e-6 * (1 + total["sent"]["avg"]))
        if ranks == 1:
            self.assertEqual(model, 0)
            self.assertEqual(total["sent"]["max"], 0)
            self.assertEqual(total["received"]["max"], 0)
        else:
            self.assertLessEqual(abs(total["sent"]["avg"] - model), 0.05 * model)
            self.assertLessEqual(abs(total["received"]["avg"] - model), 0.05 * model)

        self.check_spread(data["peak_rss_bytes"], "peak_rss_bytes")
        self.assertGreater(data["peak_rss_bytes"]["min"], 0)

    def test_report_on_one_rank(self):
        data, attrs = self.factorize(1, "one")
        self.check_report(data, attrs, 1, 8)

    def test_report_on_three_ranks(self):
        data, attrs = self.factorize(3, "three")
        self.check_report(data, attrs, 3, 8)

    def test_report_float32_hals_on_given_grid(self):
        data, attrs = self.factorize(3, "three_f32", "--precision", "float32",
                                     "--algorithm", "hals", "--grid", "1x3")
        self.assertEqual(data["grid"], "1x3")
        self.assertEqual(data["precision"], "float32")
        self.check_report(data, attrs, 3, 4)

    def test_restarts_add_up_in_loop_time_and_traffic(self):
        data, attrs = self.factorize(2, "restarts", "--restarts", 2)
        self.check_report(data, attrs, 2, 8, loops=2)
        self.assertGreater(data["phases"]["init"]["max"], 0.0)

    def test_checkpoints_are_timed_and_a_resume_counts_its_own_iterations(self):
        checkpoint = self.path("run.ckpt.h5")
        first, attrs = self.factorize(2, "first", "--checkpoint", checkpoint,
                                      "--checkpoint-every", 5)
        self.check_report(first, attrs, 2, 8, checkpoints=True)
        self.assertGreater(first["phases"]["checkpoint"]["min"], 0.0)
        # Resume from iteration 15 up to 20: the result has 20 iterations,
        # this start's loop ran 5 and its per-iteration figures use those.
        out, report = self.path("resumed.h5"), self.path("resumed.json")
        run(2, "factorize", "--input", self.input, "--rank", K, "--max-iter", 20, "--tol", 0,
            "--output", out, "--checkpoint", checkpoint, "--resume", "--report", report,
            "--quiet")
        with open(report) as f:
            data = json.load(f)
        with h5py.File(out, "r") as f:
            self.assertEqual(data["iterations"], int(f.attrs["iterations"]))
        self.assertEqual(data["iterations"], 20)
        self.assertEqual(data["loop_iterations"], 5)
        self.assertGreater(data["phases"]["checkpoint"]["min"], 0.0)
        self.assertAlmostEqual(data["seconds_per_iteration"] * 5, data["loop_seconds"],
                               delta=1e-6 * data["loop_seconds"])
        # Per iteration the same pieces move; the checkpoint writes add only
        # their 4-byte agreements.
        for kind in ("allgather", "reduce_scatter"):
            self.assertEqual(data["bytes_per_iteration"][kind], first["bytes_per_iteration"][kind])

    def test_report_from_config_file_is_kept_in_options(self):
        config = self.path("run.ini")
        report = self.path("from_config.json")
        with open(config, "w") as f:
            f.write(f"report = {report}\n")
        out = self.path("from_config.h5")
        run(2, "factorize", "--input", self.input, "--rank", K, "--max-iter", 3,
            "--output", out, "--config", config, "--quiet")
        with open(report) as f:
            self.assertEqual(json.load(f)["iterations"], 3)
        with h5py.File(out, "r") as f:
            self.assertIn(f"report = {report}", f.attrs["options"])

    def test_failed_runs_write_no_report(self):
        report = self.path("never.json")
        # Unusable report path: usage error before any work, nothing created.
        out = self.path("never.h5")
        done = run(2, "factorize", "--input", self.input, "--rank", K, "--output", out,
                   "--report", self.path("missing_dir/r.json"), expect=2)
        self.assertIn("--report directory", done.stderr)
        self.assertFalse(os.path.exists(out))
        # The report may not overwrite the output or the input.
        done = run(2, "factorize", "--input", self.input, "--rank", K, "--output", out,
                   "--report", out, expect=2)
        self.assertIn("--report", done.stderr)
        run(2, "factorize", "--input", self.input, "--rank", K, "--output", out,
            "--report", self.input, expect=2)
        # A runtime failure (rank too large for the data is a usage error; a
        # missing dataset is a runtime one) leaves no report behind.
        run(2, "factorize", "--input", self.input, "--dataset", "nope", "--rank", K,
            "--output", out, "--report", report, expect=1)
        self.assertFalse(os.path.exists(report))
        self.assertEqual(glob.glob(report + "*"), [])
        self.assertFalse(os.path.exists(out))


if __name__ == "__main__":
    harness.main()
