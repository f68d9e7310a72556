#!/usr/bin/python3
"""What gridnmf guarantees on failure (README), at 1 and 2 ranks: a full disk
during any write (result, checkpoint, convert, generate, --report, evaluate
--json), special files at input and output paths, two options naming one
file, odd paths (symlink loops, overlong names, a file used as a directory),
non-finite or stray option values, and SIGHUP. Every failing case ends within
TIME_LIMIT seconds with the expected exit code and exactly one
"gridnmf: error:" line, leaves no output or temporary file, and leaves every
input byte for byte as it was."""
import glob
import json
import os
import signal
import socket
import stat
import subprocess
import tempfile
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

import h5py
import numpy as np

import harness
from checkpoint_helpers import Job
from harness import Paths

TIME_LIMIT = 30  # seconds per failing run; a hang fails the test
NO_SPACE = "No space left on device"
WORKERS = 3  # most of a failing run is mpiexec start-up, not work


def command(ranks, args):
    return [Paths.mpiexec, "-n", str(ranks), Paths.gridnmf, *map(str, args)]


def attempt(ranks, args, env=None):
    """Runs gridnmf once; returns (completed process, seconds)."""
    started = time.monotonic()
    done = subprocess.run(command(ranks, args), capture_output=True, text=True,
                          timeout=TIME_LIMIT + 30, env={**os.environ, **(env or {})})
    return done, time.monotonic() - started


def snapshot(paths):
    contents = {}
    for p in paths:
        with open(p, "rb") as f:
            contents[p] = f.read()
    return contents


class Guarantees(unittest.TestCase):
    """Shared set-up: an input matrix whose result (about 110 KiB) does not fit
    in the 64 KiB file system of the full-disk cases, and its checkpoint."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="gridnmf_guarantees_")
        cls.dir = cls.tmp.name
        cls.input = cls.path("v.h5")
        rng = np.random.default_rng(5)
        with h5py.File(cls.input, "w") as f:
            f["V"] = rng.uniform(0.1, 1.0, (400, 300))
        cls.checkpoint = cls.path("ck.h5")
        subprocess.run(command(2, ["factorize", "--input", cls.input, "--rank", 3, "--max-iter",
                                   2, "--output", cls.path("first.h5"), "--checkpoint",
                                   cls.checkpoint, "--quiet"]),
                       check=True, capture_output=True, timeout=120)
        cls.inputs = [cls.input, cls.checkpoint, cls.path("first.h5")]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def path(cls, *names):
        return os.path.join(cls.dir, *names)

    def run_cases(self, cases, env=None):
        """Runs (ranks, args, ...) cases a few at a time; returns their outcomes."""
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            return list(pool.map(lambda case: attempt(case[0], case[1], env), cases))

    def assert_failed(self, outcome, code, *message, before=None):
        done, seconds = outcome
        self.assertEqual(done.returncode, code, done.stderr)
        self.assertLess(seconds, TIME_LIMIT)
        lines = [l for l in done.stderr.splitlines() if l.startswith("gridnmf: error:")]
        self.assertEqual(len(lines), 1, done.stderr)
        for part in message:
            self.assertIn(str(part), lines[0])
        self.assertNotIn("internal error", done.stderr)
        for p, content in (before or {}).items():
            with open(p, "rb") as f:
                self.assertEqual(f.read(), content, p)

    def assert_nothing_left(self, directory, allowed=()):
        self.assertEqual(sorted(set(os.listdir(directory)) - set(allowed)), [], directory)


class FullDisk(Guarantees):
    """Class 1: a full file system during every kind of write."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.full = cls.path("full")
        os.mkdir(cls.full)
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", cls.full],
                                 capture_output=True, text=True)
        cls.mounted = mounted.returncode == 0
        cls.mount_error = mounted.stderr.strip()

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.mounted:
                subprocess.run(["umount", cls.full], check=True, timeout=60)
        finally:
            super().tearDownClass()

    def setUp(self):
        if not self.mounted:
            self.skipTest(f"cannot mount a 64 KiB tmpfs here ({self.mount_error}); "
                          "the full-disk cases need mount permission")

    def test_every_collective_write_fails_cleanly(self):
        full = lambda name: os.path.join(self.full, name)
        ok_out = self.path("never_with_full_checkpoint.h5")
        factorize = ["factorize", "--input", self.input, "--rank", 20, "--max-iter", 2, "--quiet"]
        unmix = ["unmix", "--input", self.input, "--endmembers", 20, "--max-iter", 2, "--quiet"]
        cases = []
        # The free-space check before the write (agreed, every rank exits 1),
        # and the full disk met inside the collective write (the failing rank
        # aborts all): GRIDNMF_TEST_NO_SPACE_CHECK skips the check.
        for check in ({}, {"GRIDNMF_TEST_NO_SPACE_CHECK": "1"}):
            for ranks in (1, 2):
                tag = f"{ranks}{'m' if check else 'p'}"
                cases += [
                    (ranks, factorize + ["--output", full(f"f{tag}.h5")], check,
                     "writing result", full(f"f{tag}.h5")),
                    (ranks, unmix + ["--output", full(f"u{tag}.h5")], check,
                     "writing result", full(f"u{tag}.h5")),
                    (ranks, ["convert", "--input", self.input, "--output", full(f"c{tag}.h5"),
                             "--quiet"], check, "writing converted image", full(f"c{tag}.h5")),
                    (ranks, ["generate", "--rows", 200, "--cols", 100, "--rank", 3, "--output",
                             full(f"g{tag}.h5")], check, "writing generated matrix",
                     full(f"g{tag}.h5")),
                    (ranks, factorize + ["--output", ok_out, "--checkpoint", full(f"k{tag}.h5"),
                                         "--checkpoint-every", 1], check,
                     "writing checkpoint", full(f"k{tag}.h5")),
                ]
        before = snapshot(self.inputs)
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            outcomes = list(pool.map(lambda c: attempt(c[0], c[1], c[2]), cases))
        for (ranks, args, env, *message), outcome in zip(cases, outcomes):
            with self.subTest(ranks=ranks, args=args, env=env):
                self.assert_failed(outcome, 1, *message, NO_SPACE, before=before)
        self.assert_nothing_left(self.full)
        self.assertFalse(os.path.exists(ok_out))
        self.assertEqual(glob.glob(ok_out + "*"), [])

    def test_json_writers_on_a_full_disk(self):
        # Fill the file system to the last byte, then ask for small JSON files.
        filler = os.path.join(self.full, "filler")
        with open(filler, "wb", buffering=0) as f:
            try:
                while True:
                    f.write(b"\0" * 4096)
            except OSError:
                pass
        try:
            out = self.path("never_with_full_report.h5")
            report, scores = os.path.join(self.full, "r.json"), os.path.join(self.full, "e.json")
            cases = [(ranks, ["factorize", "--input", self.input, "--rank", 3, "--max-iter", 2,
                              "--output", out, "--report", report, "--quiet"])
                     for ranks in (1, 2)]
            cases += [(ranks, ["evaluate", "--result", self.path("first.h5"), "--truth",
                               self.path("first.h5"), "--json", scores, "--quiet"])
                      for ranks in (1, 2)]
            before = snapshot(self.inputs)
            outcomes = self.run_cases(cases)
            for (ranks, args), outcome in zip(cases, outcomes):
                with self.subTest(ranks=ranks, args=args):
                    option = "--report" if "--report" in args else "--json"
                    self.assert_failed(outcome, 1, f"cannot write the {option} file",
                                       report if option == "--report" else scores, NO_SPACE,
                                       before=before)
            # A run whose report failed reports no success: no result either.
            self.assertFalse(os.path.exists(out))
            self.assertEqual(glob.glob(out + "*"), [])
            self.assert_nothing_left(self.full, allowed=["filler"])
        finally:
            os.remove(filler)


class SpecialFiles(Guarantees):
    """Classes 2, 3, 7 and 8: special files, colliding paths, odd paths and
    nonsense values, each refused before any work."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fifo = cls.path("pipe.h5")
        os.mkfifo(cls.fifo)
        cls.socket_path = cls.path("sock.h5")
        cls.socket = socket.socket(socket.AF_UNIX)
        cls.socket.bind(cls.socket_path)
        cls.device = cls.path("null.h5")  # our own /dev/null, never the machine's
        try:
            os.mknod(cls.device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        except PermissionError:
            cls.device = None
        cls.directory = cls.path("a_directory")
        os.mkdir(cls.directory)
        cls.plain = cls.path("plain.txt")
        with open(cls.plain, "w") as f:
            f.write("not a directory\n")
        cls.loop = cls.path("loop.h5")
        os.symlink(cls.path("loop2.h5"), cls.loop)
        os.symlink(cls.loop, cls.path("loop2.h5"))
        cls.hard_link = cls.path("hard_link_of_v.h5")
        os.link(cls.input, cls.hard_link)
        cls.envi_header = cls.path("scene.hdr")
        with open(cls.envi_header, "w") as f:
            f.write("ENVI\nsamples = 4\nlines = 3\nbands = 2\nheader offset = 0\n"
                    "file type = ENVI Standard\ndata type = 4\ninterleave = bsq\n"
                    "byte order = 0\n")
        os.mkfifo(cls.path("scene.img"))  # the raw file the header points to
        cls.config_inf = cls.path("tol_inf.ini")
        with open(cls.config_inf, "w") as f:
            f.write("tol = inf\n")
        cls.inputs += [cls.plain, cls.envi_header, cls.config_inf]

    @classmethod
    def tearDownClass(cls):
        cls.socket.close()
        super().tearDownClass()

    def special_kinds(self):
        assert os.path.exists(self.socket_path)
        kinds = [(self.fifo, "is a FIFO"), (self.socket_path, "is a socket"),
                 (self.directory, "is a directory")]
        if self.device:
            kinds.append((self.device, "is a character device"))
        return kinds

    def assert_specials_intact(self):
        self.assertTrue(stat.S_ISFIFO(os.stat(self.fifo).st_mode))
        self.assertTrue(stat.S_ISSOCK(os.stat(self.socket_path).st_mode))
        self.assertTrue(os.path.isdir(self.directory))
        self.assertEqual(os.listdir(self.directory), [])
        if self.device:
            self.assertTrue(stat.S_ISCHR(os.stat(self.device).st_mode))

    def check(self, cases, rank_counts=(1, 2)):
        """cases: (args, exit code, message parts); `out` must never appear."""
        runs = [(ranks, args, code, message) for ranks in rank_counts
                for args, code, *message in cases]
        before = snapshot(self.inputs)
        outcomes = self.run_cases(runs)
        for (ranks, args, code, message), outcome in zip(runs, outcomes):
            with self.subTest(ranks=ranks, args=args):
                self.assert_failed(outcome, code, *message, before=before)
        self.assert_specials_intact()
        for name in os.listdir(self.dir):
            self.assertFalse(name.startswith("never") or name.endswith(".partial")
                             or name.endswith(".probe"), name)

    def factorize(self, *extra, output=None):
        return ["factorize", "--input", self.input, "--rank", 3, "--max-iter", 2, "--quiet",
                "--output", output or self.path("never.h5"), *extra]

    def test_special_files_as_outputs_and_inputs(self):
        # Every kind at --output; the other outputs share its check (FIFO only).
        cases = [(self.factorize(output=special), 2, f"--output '{special}' {kind}")
                 for special, kind in self.special_kinds()]
        fifo = self.fifo
        cases += [
            (self.factorize("--checkpoint", fifo), 2, f"--checkpoint '{fifo}' is a FIFO"),
            (self.factorize("--report", fifo), 2, f"--report '{fifo}' is a FIFO"),
            (["evaluate", "--result", self.path("first.h5"), "--truth", self.path("first.h5"),
              "--json", fifo], 2, f"--json '{fifo}' is a FIFO"),
            (["factorize", "--input", fifo, "--rank", 3, "--output", self.path("never.h5")], 2,
             f"--input '{fifo}' is a FIFO"),
            (self.factorize("--init", f"file:{fifo}"), 2, f"'{fifo}' is a FIFO"),
            (["evaluate", "--result", fifo, "--truth", self.input], 2,
             f"--result '{fifo}' is a FIFO"),
            (["evaluate", "--result", self.input, "--truth", fifo], 2,
             f"--truth '{fifo}' is a FIFO"),
            (self.factorize("--config", fifo), 2, f"--config '{fifo}' is a FIFO"),
            (self.factorize("--config", self.directory), 2, "--config", "is a directory"),
            (["convert", "--input", fifo, "--output", self.path("never.h5")], 2,
             f"--input '{fifo}' is a FIFO"),
            # An ENVI header whose raw file is a FIFO: never opened, not found.
            (["convert", "--input", self.envi_header, "--output", self.path("never.h5")], 1,
             "scene"),
        ]
        self.check(cases)

    def test_two_options_naming_one_file(self):
        p = self.path("p.h5")
        with h5py.File(p, "w") as f:  # a usable --init file: /W 400 x 3, /H 3 x 300
            f["W"] = np.ones((400, 3))
            f["H"] = np.ones((3, 300))
        self.inputs.append(p)
        here = os.path.relpath(self.dir)
        first = self.path("first.h5")
        cases = [
            (["evaluate", "--result", first, "--truth", self.input, "--json",
              os.path.join(self.dir, ".", "first.h5")], 2, "--json", "is the --result file"),
            (["evaluate", "--result", first, "--truth", self.input, "--json", self.hard_link],
             2, "--json", "is the --truth file"),
            (self.factorize("--init", f"file:{p}", "--checkpoint",
                            os.path.join(here, ".", "p.h5")), 2, "--checkpoint",
             "is the --init file"),
            (self.factorize("--init", f"file:{p}", output=os.path.join(here, "p.h5")), 2,
             "--output", "is the --init file"),
            (self.factorize("--init", f"file:{p}", "--report", p), 2, "--report",
             "is the --init file"),
            (self.factorize("--checkpoint", self.checkpoint, "--report",
                            os.path.join(here, "ck.h5")), 2, "--report",
             "is the --checkpoint file"),
            (self.factorize(output=os.path.join(self.dir, ".", "v.h5")), 2, "--output",
             "is the input file"),
            (self.factorize(output=self.hard_link), 2, "--output", "is the input file"),
            (self.factorize("--checkpoint", os.path.join(here, "never_ck.h5"),
                            output=self.path("never_ck.h5")), 2, "--checkpoint",
             "is the --output file"),
            (["convert", "--input", self.input, "--output", self.hard_link], 2, "--output",
             "is the input file"),
        ]
        self.check(cases, rank_counts=(2,))  # replicated checks, before any MPI call

    def test_odd_paths(self):
        long_name = self.path("x" * 300 + ".h5")
        nearly_long = self.path("x" * 245 + ".h5")
        through_file = os.path.join(self.plain, "x.h5")
        cases = [
            (["factorize", "--input", self.loop, "--rank", 3, "--output", self.path("never.h5")],
             2, f"--input '{self.loop}'", "Too many levels of symbolic links"),
            (self.factorize(output=self.loop), 2, f"--output '{self.loop}'",
             "Too many levels of symbolic links"),
            (self.factorize("--checkpoint", self.loop), 2, "--checkpoint",
             "Too many levels of symbolic links"),
            (["evaluate", "--result", self.loop, "--truth", self.input], 2, "--result",
             "Too many levels of symbolic links"),
            (["factorize", "--input", long_name, "--rank", 3, "--output", self.path("never.h5")],
             2, "--input", "File name too long"),
            (self.factorize(output=long_name), 2, "--output", "File name too long"),
            (self.factorize(output=nearly_long), 2, "--output", "the file name is too long"),
            (["factorize", "--input", through_file, "--rank", 3, "--output",
              self.path("never.h5")], 2, "--input", "Not a directory"),
            (self.factorize(output=through_file), 2, "--output directory", "does not exist"),
        ]
        self.check(cases)

    def test_nonsense_values(self):
        factorize = self.factorize()
        cases = [(factorize + ["junk", "extra"], 2, "unexpected argument 'junk'")]
        for option in ("--tol", "--l1-w", "--l2-w", "--l1-h", "--l2-h", "--time-limit",
                       "--pg-tol", "--checkpoint-interval"):
            cases.append((factorize + [option, "inf"], 2,
                          f"{option} must be a finite number, got inf"))
        for option in ("--tol", "--l2-h"):
            cases.append((factorize + [option, "nan"], 2,
                          f"{option} must be a finite number, got nan"))
        cases += [
            (["unmix", "--input", self.input, "--endmembers", 3, "--output",
              self.path("never.h5"), "--volume", "inf"], 2, "--volume must be a finite number"),
            (["generate", "--rows", 10, "--cols", 10, "--rank", 2, "--noise", "nan",
              "--output", self.path("never.h5")], 2, "--noise must be a finite number, got nan"),
            (self.factorize("--config", self.config_inf), 2,
             "--tol must be a finite number, got inf"),
        ]
        self.check(cases, rank_counts=(2,))

    def test_evaluate_writes_valid_json_for_non_finite_scores(self):
        # Abundances near 1e200 overflow the RMSE: JSON has no inf, so null.
        result, truth = self.path("small_result.h5"), self.path("huge_truth.h5")
        w = np.random.default_rng(1).uniform(0.1, 1, (50, 3))
        with h5py.File(result, "w") as f:
            f["W"], f["H"] = w, np.ones((3, 20))
        with h5py.File(truth, "w") as f:
            f["W_true"], f["H_true"] = w, np.full((3, 20), 1e200)
        scores = self.path("scores.json")
        done, _ = attempt(1, ["evaluate", "--result", result, "--truth", truth, "--json",
                              scores, "--quiet"])
        self.assertEqual(done.returncode, 0, done.stderr)
        with open(scores) as f:
            data = json.load(f, parse_constant=lambda c: self.fail(f"{c} in JSON"))
        self.assertIsNone(data["rmse"])


class Resume(Guarantees):
    """Class 5 (part): the checkpoint's input is compared by identity."""

    def test_resume_accepts_another_spelling_of_the_input(self):
        checkpoint = self.path("spelling_ck.h5")
        with open(self.checkpoint, "rb") as src, open(checkpoint, "wb") as dst:
            dst.write(src.read())
        spelled = os.path.join(self.dir, ".", "v.h5")
        done, seconds = attempt(2, ["factorize", "--input", spelled, "--rank", 3, "--max-iter", 4,
                                    "--output", self.path("resumed.h5"), "--checkpoint",
                                    checkpoint, "--resume", "--quiet"])
        self.assertEqual(done.returncode, 0, done.stderr)
        with h5py.File(self.path("resumed.h5"), "r") as f:
            self.assertEqual(int(f.attrs["iterations"]), 4)


class Signals(Guarantees):
    """Class 10: SIGHUP (a closed terminal, a lost session) saves like SIGTERM."""

    def test_sighup_to_every_rank_saves_and_exits_75(self):
        for ranks in (1, 2):
            with self.subTest(ranks=ranks):
                checkpoint = self.path(f"hup_ck_{ranks}.h5")
                out = self.path(f"hup_out_{ranks}.h5")
                job = Job(ranks, "factorize", "--input", self.input, "--rank", 3, "--tol", 0,
                          "--max-iter", 100000, "--checkpoint", checkpoint,
                          "--checkpoint-every", 25, "--print-every", 0, "--output", out)
                job.wait_for_line("checkpoint: iteration 25 ")
                job.signal_ranks(signal.SIGHUP)
                code, _, stderr = job.finish(timeout=TIME_LIMIT)
                self.assertEqual(code, 75, stderr)
                lines = [l for l in stderr.splitlines() if l.startswith("gridnmf: stopped by")]
                self.assertEqual(len(lines), 1, stderr)
                self.assertIn("stopped by SIGHUP", lines[0])
                with h5py.File(out, "r") as f:
                    self.assertEqual(f.attrs["stop_reason"], "interrupted")
                    stopped_at = int(f.attrs["iterations"])
                with h5py.File(checkpoint, "r") as f:
                    self.assertEqual(int(f.attrs["iterations"]), stopped_at)
                self.assertEqual(glob.glob(self.path("hup_*partial")), [])


if __name__ == "__main__":
    harness.main()
