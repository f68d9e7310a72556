#!/usr/bin/python3
"""scripts/scaling_report.py on synthetic --report JSON files: the computed
speedup, efficiency and communication share, the files it writes, and its
errors. Exits 77 (ctest skip) when matplotlib is not installed."""

import csv
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts",
                      "scaling_report.py")
PHASES = ["gram", "allgather", "gemm", "reduce_scatter", "local_update", "objective",
          "input_read", "output_write", "checkpoint", "init"]


def load_tool():
    spec = importlib.util.spec_from_file_location("scaling_report", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def spread(value):
    return {"min": value * 0.9, "avg": value, "max": value * 1.1}


def make_report(ranks, grid, seconds_per_iteration, rows=600, cols=500, rank=8, iterations=20,
                communication=0.1, gemm_share=0.6):
    """A report with the agreed keys; phase and communication times are
    fractions of the loop time so the expected shares are known."""
    loop = seconds_per_iteration * iterations
    phases = {name: spread(0.0) for name in PHASES}
    phases["gemm"] = spread(gemm_share * loop)
    phases["allgather"] = spread(communication * loop / 2)
    phases["reduce_scatter"] = spread(communication * loop / 2)
    phases["input_read"] = spread(0.25)
    pr, pc = (int(x) for x in grid.split("x"))
    return {
        "gridnmf_version": "test", "command": "factorize", "ranks": ranks, "grid": grid,
        "grid_rows": pr, "grid_cols": pc, "rows": rows, "cols": cols, "rank": rank,
        "precision": "float64", "algorithm": "mu", "loss": "frobenius",
        "iterations": iterations, "loop_seconds": loop,
        "seconds_per_iteration": seconds_per_iteration, "total_seconds": loop + 1.0,
        "phases": phases, "communication_seconds": spread(communication * loop),
        "bytes_per_iteration": {}, "model_bytes_per_iteration": 0,
        "flops_per_iteration": 4.0 * rows * cols * rank,
        "gflops_per_second": 4.0 * rows * cols * rank / seconds_per_iteration / 1e9,
        "peak_rss_bytes": spread(1e8),
    }


def write_study(folder, reports):
    os.makedirs(folder, exist_ok=True)
    for index, report in enumerate(reports):
        with open(os.path.join(folder, f"report_{index}.json"), "w", encoding="utf-8") as stream:
            json.dump(report, stream)


class ScalingReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tool = load_tool()

    def setUp(self):
        self.temp = tempfile.TemporaryDirectory()
        self.study = os.path.join(self.temp.name, "study")

    def tearDown(self):
        self.temp.cleanup()

    def run_cli(self, *args):
        return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True,
                              timeout=120)

    def test_strong_speedup_efficiency_and_files(self):
        write_study(self.study, [
            make_report(1, "1x1", 1.0, communication=0.0),
            make_report(2, "1x2", 0.55, communication=0.1),
            make_report(2, "2x1", 0.6, communication=0.2),
            make_report(4, "2x2", 0.3125, communication=0.25),
        ])
        result = self.run_cli(self.study, "--title", "synthetic")
        self.assertEqual(result.returncode, 0, result.stderr)
        for name in ["scaling.csv", "scaling.md", "time_per_iteration.png", "efficiency.png",
                     "phases.png"]:
            path = os.path.join(self.study, name)
            self.assertTrue(os.path.getsize(path) > 0, name)
            if name.endswith(".png"):
                with open(path, "rb") as stream:
                    self.assertEqual(stream.read(8), b"\x89PNG\r\n\x1a\n", name)

        with open(os.path.join(self.study, "scaling.csv"), encoding="utf-8") as stream:
            rows = list(csv.DictReader(stream))
        self.assertEqual([(r["ranks"], r["grid"]) for r in rows],
                         [("1", "1x1"), ("2", "1x2"), ("2", "2x1"), ("4", "2x2")])
        expected = {  # grid: (speedup, efficiency, communication share)
            "1x1": (1.0, 1.0, 0.0),
            "1x2": (1.0 / 0.55, 1.0 / 0.55 / 2, 0.1),
            "2x1": (1.0 / 0.6, 1.0 / 0.6 / 2, 0.2),
            "2x2": (3.2, 0.8, 0.25),
        }
        for row in rows:
            speedup, efficiency, share = expected[row["grid"]]
            self.assertAlmostEqual(float(row["speedup"]), speedup, places=9)
            self.assertAlmostEqual(float(row["efficiency"]), efficiency, places=9)
            self.assertAlmostEqual(float(row["communication_share"]), share, places=9)
        # Phases per iteration: gemm was 60% of the loop time.
        self.assertAlmostEqual(float(rows[3]["gemm_per_iteration"]), 0.6 * 0.3125, places=9)
        self.assertAlmostEqual(float(rows[3]["input_read_seconds"]), 0.25, places=9)

        with open(os.path.join(self.study, "scaling.md"), encoding="utf-8") as stream:
            markdown = stream.read()
        self.assertIn("strong scaling", markdown)
        self.assertIn("| 4 | 2x2 | 600 x 500 | 8 | 1 | 0.3125 | 3.200 | 0.800 | 25.0% |", markdown)
        self.assertIn(markdown.strip(), result.stdout)

    def test_repeated_points_use_the_median(self):
        reports = [make_report(1, "1x1", 1.0), make_report(2, "1x2", 0.5),
                   make_report(2, "1x2", 0.8), make_report(2, "1x2", 0.625)]
        mode, base, rows = self.tool.summarize(reports)
        self.assertEqual((mode, base), ("strong", 1))
        self.assertEqual(rows[1]["runs"], 3)
        self.assertAlmostEqual(rows[1]["seconds_per_iteration"], 0.625)
        self.assertAlmostEqual(rows[1]["efficiency"], 0.8)

    def test_resumed_run_divides_phases_by_the_iterations_it_timed(self):
        report = make_report(1, "1x1", 0.5, iterations=100)
        report["loop_iterations"] = 40  # resumed after iteration 60
        report["loop_seconds"] = 20.0
        report["phases"]["gemm"] = spread(12.0)
        _, _, rows = self.tool.summarize([report])
        self.assertAlmostEqual(rows[0]["gemm_per_iteration"], 0.3)

    def test_weak_mode_and_base_above_one_rank(self):
        reports = [make_report(2, "1x2", 0.5, cols=1000), make_report(4, "2x2", 0.625, cols=2000),
                   make_report(8, "2x4", 1.0, cols=4000)]
        mode, base, rows = self.tool.summarize(reports)
        self.assertEqual((mode, base), ("weak", 2))
        self.assertAlmostEqual(rows[1]["efficiency"], 0.8)
        self.assertAlmostEqual(rows[1]["speedup"], 1.6)
        self.assertAlmostEqual(rows[2]["efficiency"], 0.5)
        self.assertAlmostEqual(rows[2]["speedup"], 2.0)
        with self.assertRaises(self.tool.ReportError):
            self.tool.summarize(reports, "strong")

    def test_strong_base_above_one_rank(self):
        reports = [make_report(2, "1x2", 0.5), make_report(8, "2x4", 0.16)]
        _, base, rows = self.tool.summarize(reports)
        self.assertEqual(base, 2)
        self.assertAlmostEqual(rows[1]["speedup"], 3.125)
        self.assertAlmostEqual(rows[1]["efficiency"], 3.125 * 2 / 8)

    def test_errors_name_the_problem(self):
        result = self.run_cli(os.path.join(self.temp.name, "absent"))
        self.assertEqual(result.returncode, 1)
        self.assertIn("does not exist", result.stderr)

        os.makedirs(self.study)
        result = self.run_cli(self.study)
        self.assertEqual(result.returncode, 1)
        self.assertIn("no JSON reports", result.stderr)

        bad = os.path.join(self.study, "broken.json")
        with open(bad, "w", encoding="utf-8") as stream:
            stream.write("{not json")
        result = self.run_cli(self.study)
        self.assertEqual(result.returncode, 1)
        self.assertIn("broken.json", result.stderr)

        report = make_report(1, "1x1", 1.0)
        del report["seconds_per_iteration"]
        with open(bad, "w", encoding="utf-8") as stream:
            json.dump(report, stream)
        result = self.run_cli(self.study)
        self.assertEqual(result.returncode, 1)
        self.assertIn("lacks seconds_per_iteration", result.stderr)
        self.assertEqual(result.stderr.count("\n"), 1)
        self.assertFalse(os.path.exists(os.path.join(self.study, "scaling.csv")))


if __name__ == "__main__":
    if importlib.util.find_spec("matplotlib") is None:
        print("SKIP: matplotlib is not installed (apt-get install python3-matplotlib)")
        sys.exit(77)
    unittest.main()
