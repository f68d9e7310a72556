#!/usr/bin/python3
"""End-to-end tests of `gridnmf unmix`: the same result on 1, 2 and 4 ranks,
the output layout (factorize's plus image shape, wavelengths, the input's
endmember names), recovery of a generated scene's truth, ENVI input equal to
HDF5 input, resume from a checkpoint, --report, the accuracy targets on the
shared real scenes (skipped when ../shared/data is absent), and usage errors
that exit 2 with one line and write nothing."""
import json
import os
import subprocess
import tempfile
import unittest

import h5py
import numpy as np

import harness
from harness import Paths

TIMEOUT = 300  # seconds; a hang fails the test instead of the whole suite
SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data")
# Issue 14 targets with the defaults, no regression from issue 6's results
# (mSAD in radians; samson also abundance RMSE).
TARGETS = {"samson": (3, 0.07, 0.10), "jasper_ridge": (4, 0.15, None), "misic_sim1": (6, 0.02, None)}


def run(ranks, *args, expect=0):
    command = [Paths.mpiexec, "-n", str(ranks), Paths.gridnmf, *map(str, args)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)
    if expect is not None and done.returncode != expect:
        raise AssertionError(
            f"{' '.join(command)} exited {done.returncode}, expected {expect}\n"
            f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}")
    return done


def read(path):
    with h5py.File(path, "r") as f:
        data = {name: f[name][...] for name in f if isinstance(f[name], h5py.Dataset)}
        data["attrs"] = dict(f.attrs)
        if "input_endmember_names" in f:
            data["names_attrs"] = dict(f["input_endmember_names"].attrs)
    return data


def msad(w_true, w):
    """Mean spectral angle after the best matching (k <= 6: every permutation)."""
    import itertools
    a = w_true / np.linalg.norm(w_true, axis=0)
    b = w / np.maximum(np.linalg.norm(w, axis=0), 1e-300)
    sad = np.arccos(np.clip(a.T @ b, -1, 1))
    k = sad.shape[0]
    return min(np.mean([sad[t, p[t]] for t in range(k)]) for p in itertools.permutations(range(k)))


class Unmix(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_unmix_")
        cls.scene = cls.path("scene.h5")
        run(1, "generate", "--kind", "hyperspectral", "--rows", 31, "--cols", 27, "--bands", 43,
            "--endmembers", 4, "--noise", 35, "--seed", 4, "--output", cls.scene)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, name):
        return os.path.join(cls.tmp.name, name)

    def test_same_result_on_1_2_and_4_ranks(self):
        results = {}
        for ranks in (1, 2, 4):
            out = self.path(f"ranks{ranks}.h5")
            run(ranks, "unmix", "--input", self.scene, "--endmembers", 4, "--output", out,
                "--max-iter", 60, "--quiet")
            results[ranks] = read(out)
        for ranks in (2, 4):
            for name in ("W", "H"):
                ref = results[1][name]
                diff = np.max(np.abs(results[ranks][name] - ref)) / np.max(np.abs(ref))
                self.assertLess(diff, 1e-8, f"{name} on {ranks} ranks")
            self.assertEqual(results[ranks]["attrs"]["iterations"], results[1]["attrs"]["iterations"])

    def test_output_layout_and_recovery_of_the_truth(self):
        out = self.path("layout.h5")
        done = run(2, "unmix", "--input", self.scene, "--endmembers", 4, "--output", out)
        self.assertIn("vca chose pixels (row, col)", done.stdout)
        r, s = read(out), read(self.scene)
        self.assertEqual(r["W"].shape, (43, 4))
        self.assertEqual(r["H"].shape, (4, 31 * 27))
        self.assertEqual(r["attrs"]["image_rows"], 31)
        self.assertEqual(r["attrs"]["image_cols"], 27)
        np.testing.assert_array_equal(r["wavelengths"], s["wavelengths"])
        self.assertEqual(list(r["input_endmember_names"]), list(s["endmember_names"]))
        self.assertEqual(r["names_attrs"]["order"], "input")  # metadata, not column labels
        # /endmember_names labels W's columns: the same names, matched by angle.
        self.assertEqual(sorted(r["endmember_names"]), sorted(s["endmember_names"]))
        self.assertEqual(r["attrs"]["algorithm"], "bpp")
        for name in ("sum_to_one_weight", "volume_weight", "volume_epsilon"):
            self.assertGreater(r["attrs"][name], 0, name)
        self.assertTrue(np.all(r["W"] >= 0) and np.all(r["H"] >= 0))
        sums = r["H"].sum(axis=0)
        self.assertLess(np.max(np.abs(sums - 1)), 0.02)  # sum-to-one holds
        self.assertLess(msad(s["W_true"], r["W"]), 0.05)

    def test_sum_to_one_weight_controls_the_abundance_sums(self):
        deviation = {}
        for weight in (0, 10):
            out = self.path(f"sum{weight}.h5")
            run(1, "unmix", "--input", self.scene, "--endmembers", 4, "--output", out,
                "--sum-to-one", weight, "--volume", 0, "--volume-floor", 0, "--quiet")
            deviation[weight] = np.max(np.abs(read(out)["H"].sum(axis=0) - 1))
        self.assertLess(deviation[10], 0.2 * deviation[0], deviation)

    def test_usage_errors_exit_2_with_one_line_and_write_nothing(self):
        out = self.path("never.h5")
        cases = [
            (["--endmembers", 0], "--endmembers"),
            (["--endmembers", 4, "--sum-to-one", -1], "--sum-to-one"),
            (["--endmembers", 4, "--algorithm", "mu"], "--volume"),
            (["--endmembers", 4, "--volume-epsilon", 0], "--volume-epsilon"),
            (["--endmembers", 4, "--loss", "kl"], "frobenius"),
            (["--endmembers", 4, "--init", "bogus"], "--init"),
            (["--endmembers", 500], "--endmembers"),
            (["--endmembers", "bogus"], "--endmembers"),
            (["--endmembers", 4, "--sparsity", -1], "--sparsity"),
            (["--endmembers", 4, "--sparsity", "bogus"], "--sparsity"),
            (["--endmembers", 4, "--init", "spa", "--restarts", 2], "--init spa"),
            (["--endmembers", 4, "--restarts", 2, "--checkpoint", self.path("ck.h5")],
             "--restarts"),
        ]
        for extra, word in cases:
            done = run(2, "unmix", "--input", self.scene, "--output", out, *extra, expect=2)
            # One error line for all ranks (mpiexec adds its own notice).
            lines = [line for line in done.stderr.splitlines() if line.startswith("gridnmf: error:")]
            self.assertEqual(len(lines), 1, f"{extra}: {done.stderr}")
            self.assertIn(word, lines[0])
            self.assertFalse(os.path.exists(out))

    def test_help_lists_the_unmixing_options(self):
        done = run(1, "unmix", "--help")
        for option in ("--endmembers", "--sum-to-one", "--volume", "--volume-floor",
                       "--volume-epsilon", "--sparsity", "--init", "--algorithm"):
            self.assertIn(option, done.stdout)

    def test_envi_input_gives_the_same_unmixing_as_hdf5(self):
        s = read(self.scene)
        bands, pixels = s["V"].shape
        rows, cols = 31, 27
        # float32 values, so the HDF5 copy and the ENVI file hold the same numbers.
        v = s["V"].astype(np.float32)
        cube = v.reshape(bands, cols, rows).transpose(0, 2, 1)  # [band, line, sample]
        raw = self.path("scene_bil.raw")
        cube.transpose(1, 0, 2).astype(">f4").tofile(raw)  # BIL, big-endian
        header = self.path("scene_bil.hdr")
        with open(header, "w") as stream:
            stream.write("ENVI\nsamples = %d\nlines = %d\nbands = %d\nheader offset = 0\n"
                         "file type = ENVI Standard\ndata type = 4\ninterleave = bil\n"
                         "byte order = 1\nwavelength = {%s}\n"
                         % (cols, rows, bands, ", ".join("%.3f" % w for w in s["wavelengths"])))
        copy = self.path("scene_f32.h5")
        with h5py.File(copy, "w") as f:
            f["V"] = v
        out_envi, out_h5 = self.path("from_envi.h5"), self.path("from_h5.h5")
        run(2, "unmix", "--input", header, "--endmembers", 4, "--output", out_envi, "--quiet",
            "--max-iter", 40)
        run(2, "unmix", "--input", copy, "--endmembers", 4, "--output", out_h5, "--quiet",
            "--max-iter", 40)
        a, b = read(out_envi), read(out_h5)
        for name in ("W", "H"):
            np.testing.assert_allclose(a[name], b[name], rtol=0, atol=1e-10 * np.max(np.abs(b[name])))
        self.assertEqual((a["attrs"]["image_rows"], a["attrs"]["image_cols"]), (rows, cols))
        np.testing.assert_allclose(a["wavelengths"], s["wavelengths"], atol=1e-3)

    def test_resume_from_a_checkpoint_ends_where_an_uninterrupted_run_does(self):
        whole, first, resumed = self.path("whole.h5"), self.path("first.h5"), self.path("resumed.h5")
        checkpoint = self.path("unmix_ck.h5")
        common = ["unmix", "--input", self.scene, "--endmembers", 4, "--quiet", "--tol", 0,
                  "--init", "vca"]
        run(2, *common, "--max-iter", 20, "--output", whole)
        run(2, *common, "--max-iter", 10, "--checkpoint", checkpoint, "--output", first)
        run(2, *common, "--max-iter", 20, "--checkpoint", checkpoint, "--resume",
            "--output", resumed)
        a, b = read(whole), read(resumed)
        self.assertEqual(b["attrs"]["iterations"], 20)
        for name in ("W", "H"):
            np.testing.assert_allclose(b[name], a[name], rtol=0, atol=1e-12 * np.max(np.abs(a[name])))
        # The unmixing weights define the problem: another one is refused,
        # naming the option, and nothing is written.
        for option, value in (("--sum-to-one", 5), ("--volume", 0), ("--volume-floor", 1e-4),
                              ("--volume-epsilon", 0.1), ("--sparsity", 1)):
            other = self.path("other.h5")
            done = run(2, *common, option, value, "--max-iter", 20, "--checkpoint", checkpoint,
                       "--resume", "--output", other, expect=2)
            self.assertIn(f"belongs to another problem: {option} was", done.stderr)
            self.assertFalse(os.path.exists(other))
        # ... and so is a factorize checkpoint (no unmixing terms).
        plain = self.path("factorize_ck.h5")
        run(2, "factorize", "--input", self.scene, "--rank", 4, "--algorithm", "bpp", "--quiet",
            "--max-iter", 3, "--checkpoint", plain, "--output", self.path("plain.h5"))
        done = run(2, *common, "--algorithm", "bpp", "--max-iter", 5, "--checkpoint", plain,
                   "--resume", "--output", self.path("mixed.h5"), expect=2)
        self.assertIn("--sum-to-one was 0, now 10", done.stderr)

    def test_restarts_keep_the_lowest_objective_and_record_every_start(self):
        common = ["unmix", "--input", self.scene, "--endmembers", 4, "--quiet", "--max-iter", 30,
                  "--seed", 11, "--init", "vca"]
        single, best = self.path("single.h5"), self.path("best_of_3.h5")
        run(2, *common, "--output", single)
        run(2, *common, "--restarts", 3, "--output", best)
        one, three = read(single), read(best)
        with h5py.File(best, "r") as f:
            seeds, objectives = f["restarts/seed"][...], f["restarts/objective"][...]
        self.assertEqual(list(seeds), [11, 12, 13])
        # The weights are measured once with --seed, so the first start is
        # the single run and the objectives compare.
        self.assertEqual(objectives[0], one["attrs"]["objective"])
        kept = int(np.argmin(objectives))
        self.assertEqual(three["attrs"]["seed"], seeds[kept])
        self.assertEqual(three["attrs"]["objective"], objectives[kept])
        self.assertEqual(three["attrs"]["sum_to_one_weight"], one["attrs"]["sum_to_one_weight"])
        self.assertEqual(three["attrs"]["volume_weight"], one["attrs"]["volume_weight"])
        # VCA depends on the seed: the starts differ.
        self.assertGreater(len(set(objectives.tolist())), 1)

    def test_endmembers_auto_finds_k_and_the_default_picks_a_start(self):
        out = self.path("auto.h5")
        done = run(2, "unmix", "--input", self.scene, "--endmembers", "auto", "--output", out,
                   "--max-iter", 30)
        self.assertIn("HySime: noise RMS", done.stdout)
        self.assertIn("--endmembers auto: 4 endmembers", done.stdout)
        self.assertNotIn("warning: HySime", done.stdout)  # only above 10 dimensions
        self.assertIn("spa chose pixels", done.stdout)  # --init auto tries both starts
        r = read(out)
        self.assertEqual(r["W"].shape, (43, 4))
        self.assertEqual(r["attrs"]["estimated_endmembers"], 4)
        self.assertIn(r["attrs"]["start"], ("vca", "spa"))
        self.assertAlmostEqual(r["attrs"]["estimated_snr_db"], 35, delta=1.5)
        self.assertEqual(r["noise_variance"].shape, (43,))
        with h5py.File(self.scene, "r") as f:
            sigma = f.attrs["noise_sigma"]
        np.testing.assert_allclose(np.mean(r["noise_variance"]), sigma ** 2, rtol=0.15)

    def test_sparsity_term_is_stored_and_in_the_objective(self):
        plain, sparse = self.path("plain_l12.h5"), self.path("sparse_l12.h5")
        common = ["unmix", "--input", self.scene, "--endmembers", 4, "--quiet", "--max-iter", 20,
                  "--init", "vca", "--volume", 0, "--volume-floor", 0]
        run(1, *common, "--sparsity", 0, "--output", plain)
        run(1, *common, "--sparsity", 2, "--output", sparse)
        a, b = read(plain), read(sparse)
        self.assertEqual(a["attrs"]["sparsity_weight"], 0)
        self.assertGreater(b["attrs"]["sparsity_weight"], 0)
        h = b["H"]
        half = b["attrs"]["sparsity_weight"] * np.sum(np.sqrt(h + 1e-4) - 1e-2)
        self.assertGreater(b["attrs"]["objective"], half)

    def test_endmembers_auto_with_a_checkpoint_resumes_to_the_same_result(self):
        whole, first, resumed = self.path("auto_whole.h5"), self.path("auto_first.h5"), self.path("auto_resumed.h5")
        checkpoint = self.path("auto_ck.h5")
        common = ["unmix", "--input", self.scene, "--endmembers", "auto", "--quiet", "--tol", 0]
        run(2, *common, "--max-iter", 12, "--init", "vca", "--output", whole)
        run(2, *common, "--max-iter", 6, "--checkpoint", checkpoint, "--output", first)
        with h5py.File(checkpoint, "r") as f:
            self.assertEqual(f.attrs["rank"], 4)  # the estimate, recorded
        run(2, *common, "--max-iter", 12, "--checkpoint", checkpoint, "--resume", "--output", resumed)
        a, b = read(whole), read(resumed)
        self.assertEqual(b["attrs"]["iterations"], 12)
        for name in ("W", "H"):
            np.testing.assert_allclose(b[name], a[name], rtol=0, atol=1e-12 * np.max(np.abs(a[name])))
        done = run(2, "unmix", "--input", self.scene, "--endmembers", 3, "--quiet", "--max-iter", 12,
                   "--checkpoint", checkpoint, "--resume", "--output", self.path("auto_other.h5"),
                   expect=2)
        self.assertIn("--rank was 4, now 3", done.stderr)

    def test_default_weights_follow_the_pixel_purity(self):
        # Nearly every pixel pure: L1/2 on; heavily mixed: off.
        for sharpness, extra, multiplier in ((40, ["--pure-pixels"], 1.0), (3, [], 0.0)):
            scene, out = self.path(f"sharp{sharpness}.h5"), self.path(f"sharp{sharpness}_out.h5")
            run(1, "generate", "--kind", "hyperspectral", "--rows", 24, "--cols", 22, "--bands", 40,
                "--endmembers", 3, "--noise", 25, "--seed", 5, "--mixing-sharpness", sharpness,
                *extra, "--output", scene)
            done = run(1, "unmix", "--input", scene, "--endmembers", 3, "--output", out,
                       "--max-iter", 20, "--print-every", 0)
            self.assertIn("weights from the scene: pixel purity", done.stdout)
            attrs = read(out)["attrs"]
            self.assertEqual(attrs["sparsity_multiplier"], multiplier, sharpness)
            self.assertEqual(attrs["sparsity_weight"] > 0, multiplier > 0, sharpness)
            self.assertEqual(attrs["pixel_purity"] > 0.75, multiplier > 0, attrs["pixel_purity"])

    def test_report_names_the_unmix_command(self):
        out, report = self.path("reported.h5"), self.path("report.json")
        run(2, "unmix", "--input", self.scene, "--endmembers", 4, "--quiet", "--max-iter", 5,
            "--output", out, "--report", report)
        with open(report) as stream:
            facts = json.load(stream)
        self.assertEqual(facts["command"], "unmix")
        self.assertEqual((facts["ranks"], facts["rank"], facts["iterations"]), (2, 4, 5))


@unittest.skipUnless(os.path.isdir(SHARED), f"shared scenes not found at {SHARED}")
class SharedScenes(unittest.TestCase):
    """The issue's accuracy targets with the default configuration."""

    def test_targets_with_the_defaults(self):
        with tempfile.TemporaryDirectory(prefix="gridnmf_shared_") as tmp:
            for name, (k, sad_target, rmse_target) in TARGETS.items():
                scene = os.path.join(SHARED, name + ".h5")
                out = os.path.join(tmp, name + ".h5")
                report = os.path.join(tmp, name + ".json")
                run(2, "unmix", "--input", scene, "--endmembers", k, "--output", out, "--quiet")
                run(1, "evaluate", "--result", out, "--truth", scene, "--json", report)
                with open(report) as stream:
                    scores = json.load(stream)
                self.assertLessEqual(scores["mean_sad"], sad_target, f"{name}: {scores}")
                if rmse_target is not None:
                    self.assertLessEqual(scores["rmse"], rmse_target, f"{name}: {scores}")


if __name__ == "__main__":
    harness.main()
