#!/usr/bin/python3
"""Every job script in jobs/ on a real single-node Slurm cluster.

Starts a private cluster (tests/slurm/cluster.sh: munged, slurmctld, slurmd,
everything in a temporary folder), submits each script with small inputs,
waits, and checks the jobs' exit states and outputs; the preemption test sends
USR1 to a running jobs/preemptible.sbatch (scancel -b -s USR1), and checks that
it requeued, resumed from its checkpoint and ended with the W and H of an
uninterrupted run. The daemons are stopped by their pid files in every case.
Exits 77 (ctest's skip code) with a message when not root or when the daemons
cannot start.

    test_slurm_jobs.py --gridnmf build/gridnmf [--keep]
"""

import argparse
import atexit
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CLUSTER_LIB = os.path.join(SOURCE_DIR, "tests", "slurm", "cluster.sh")
JOBS = os.path.join(SOURCE_DIR, "jobs")
CONFIGS = os.path.join(SOURCE_DIR, "configs")
SKIP = 77
TERMINAL_STATES = {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "OUT_OF_MEMORY",
                   "BOOT_FAIL", "DEADLINE", "PREEMPTED"}


def cluster_shell(command):
    """Runs a cluster.sh function in bash; returns (status, output)."""
    result = subprocess.run(["bash", "-c", f'source "{CLUSTER_LIB}" && {command}'],
                            capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr


class Cluster:
    """The private cluster; stop() is idempotent and also runs at exit and on SIGTERM/SIGINT."""

    def __init__(self, folder):
        self.folder = folder
        self.started = False

    def start(self, cpus):
        self.started = True  # a half-started cluster is stopped too
        status, output = cluster_shell(f'slurm_cluster_start "{self.folder}" {cpus}')
        if status != 0:
            return output
        os.environ["SLURM_CONF"] = os.path.join(self.folder, "etc", "slurm.conf")
        return None

    def stop(self):
        if self.started:
            self.started = False
            cluster_shell(f'slurm_cluster_stop "{self.folder}"')

    def log_tail(self, name, lines=30):
        path = os.path.join(self.folder, "log", name)
        if not os.path.exists(path):
            return ""
        with open(path, encoding="utf-8", errors="replace") as stream:
            return "".join(stream.readlines()[-lines:])


def run(command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, timeout=kwargs.pop("timeout", 120),
                          **kwargs)


def sbatch(script, work, env, *flags):
    """Submits a job script (None: flags hold --wrap) from the work folder; returns the job id."""
    command = ["sbatch", "--parsable", *flags] + ([script] if script else [])
    result = run(command, cwd=work, env=env)
    if result.returncode != 0:
        raise AssertionError(f"sbatch {script or '--wrap'} failed: {result.stderr.strip()}")
    return result.stdout.strip().split(";")[0]


def job_records(job):
    """{JobId: fields} of `scontrol show job` for a job or every task of an array."""
    result = run(["scontrol", "-o", "show", "job", job])
    records = {}
    for line in result.stdout.splitlines():
        fields = dict(item.split("=", 1) for item in line.split() if "=" in item)
        if "JobId" in fields:
            records[fields["JobId"]] = fields
    return records


def job_finished(job):
    records = job_records(job)
    return bool(records) and all(r["JobState"] in TERMINAL_STATES for r in records.values())


def wait_for_jobs(jobs, deadline):
    """Waits until every job (and array task) is in a final state; returns the others."""
    pending = list(jobs)
    while time.time() < deadline:
        pending = []
        for job in jobs:
            records = job_records(job)
            if not records or any(r["JobState"] not in TERMINAL_STATES for r in records.values()):
                pending.append(job)
        if not pending:
            return []
        time.sleep(1)
    return pending


def wait_for_line(path, pattern, job, deadline):
    """Waits for a line in a job's output; False when the job ended first."""
    while time.time() < deadline:
        finished = job_finished(job)
        if os.path.exists(path):
            with open(path, encoding="utf-8", errors="replace") as stream:
                if re.search(pattern, stream.read(), re.MULTILINE):
                    return True
        if finished:
            return False
        time.sleep(0.2)
    return False


def read_text(path):
    if not os.path.exists(path):
        return f"(no file {path})"
    with open(path, encoding="utf-8", errors="replace") as stream:
        return stream.read()


class Checks:
    """Collects failures so one run reports every broken script at once."""

    def __init__(self):
        self.failures = []
        self.passed = 0

    def check(self, condition, what, detail=""):
        if condition:
            self.passed += 1
            print(f"ok: {what}")
        else:
            self.failures.append(what)
            print(f"FAILED: {what}" + (f"\n{detail}" if detail else ""))
        return condition


def job_completed(checks, job, name, log_paths):
    records = job_records(job)
    states = {jid: (r.get("JobState"), r.get("ExitCode")) for jid, r in records.items()}
    logs = "\n".join(f"---- {path}\n{read_text(path)}" for path in log_paths)
    ok = bool(states) and all(s == ("COMPLETED", "0:0") for s in states.values())
    checks.check(ok, f"{name}: every task COMPLETED with exit 0 ({states})", logs)
    return ok


def factors(path):
    with h5py.File(path, "r") as f:
        return np.array(f["W"]), np.array(f["H"]), dict(f.attrs)


def load_json(path):
    with open(path, encoding="utf-8") as stream:
        return json.load(stream)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gridnmf", required=True, help="the gridnmf executable")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument("--timeout", type=float, default=240,
                        help="seconds for all jobs to finish")
    args = parser.parse_args()
    gridnmf = os.path.abspath(args.gridnmf)

    status, missing = cluster_shell("slurm_cluster_missing")
    if missing.strip():
        print(f"SKIP: cannot run a Slurm cluster here: missing {missing.strip()}")
        return SKIP

    # Slurm's own variables from an enclosing job would confuse the clients.
    for key in [k for k in os.environ if k.startswith("SLURM_")]:
        del os.environ[key]
    temp = tempfile.mkdtemp(prefix="gridnmf-slurm-")
    os.chmod(temp, 0o755)  # munged wants every folder above its socket searchable
    cluster = Cluster(os.path.join(temp, "cluster"))
    atexit.register(cluster.stop)
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda s, _: sys.exit(128 + s))

    error = cluster.start(cpus=4)
    if error is not None:
        print(f"SKIP: the Slurm daemons did not start:\n{error}")
        cluster.stop()
        shutil.rmtree(temp, ignore_errors=True)
        return SKIP

    work = os.path.join(temp, "work")
    os.makedirs(work)
    checks = Checks()
    try:
        run_jobs(checks, gridnmf, work, args.timeout)
    finally:
        if checks.failures:
            print("---- slurmctld log\n" + cluster.log_tail("slurmctld.log"))
            print("---- slurmd log\n" + cluster.log_tail("slurmd.log"))
        cluster.stop()
        if args.keep or checks.failures:
            print(f"files kept in {temp}")
        else:
            shutil.rmtree(temp, ignore_errors=True)
    print(f"{checks.passed} passed, {len(checks.failures)} failed")
    return 1 if checks.failures else 0


def job_environment(gridnmf, **extra):
    env = dict(os.environ)
    env.update({
        "GRIDNMF": gridnmf,
        # The node advertises more CPUs than it has: idle ranks must yield.
        "OMPI_MCA_mpi_yield_when_idle": "1",
        "OPENBLAS_NUM_THREADS": "1",
    })
    env.update(extra)
    return env


def generate(gridnmf, work, rows, cols, rank, output):
    result = run(["srun", "--mpi=pmix", "-n", "2", gridnmf, "generate", "--rows", str(rows),
                  "--cols", str(cols), "--rank", str(rank), "--noise", "0.01", "--seed", "3",
                  "--output", output], cwd=work, env=job_environment(gridnmf))
    if result.returncode != 0:
        raise AssertionError(f"generate {output} failed: {result.stdout}{result.stderr}")
    if not os.path.exists(os.path.join(work, output)):  # srun may say 0 for a failed step
        raise AssertionError(f"generate {output} wrote no file: {result.stdout}{result.stderr}")


def generate_scene(gridnmf, work, output):
    """A 12 x 15 pixel, 60-band scene of 3 endmembers with pure pixels."""
    result = run(["srun", "--mpi=pmix", "-n", "2", gridnmf, "generate", "--kind", "hyperspectral",
                  "--rows", "12", "--cols", "15", "--bands", "60", "--endmembers", "3",
                  "--noise", "40", "--pure-pixels", "--seed", "5", "--output", output],
                 cwd=work, env=job_environment(gridnmf))
    if result.returncode != 0:
        raise AssertionError(f"generate {output} failed: {result.stdout}{result.stderr}")
    if not os.path.exists(os.path.join(work, output)):
        raise AssertionError(f"generate {output} wrote no file: {result.stdout}{result.stderr}")


def run_jobs(checks, gridnmf, work, timeout):
    start = time.time()
    generate(gridnmf, work, 240, 180, 6, "problem.h5")
    generate(gridnmf, work, 600, 500, 16, "long_problem.h5")
    generate_scene(gridnmf, work, "scene.h5")

    jobs = {}
    # The preemptible run first, so it is running while the others queue.
    long_iterations = 1500
    long_extra = (f"--rank 16 --max-iter {long_iterations} --tol 0 --print-every 100 "
                  "--grid 1x2")
    jobs["preemptible"] = sbatch(
        f"{JOBS}/preemptible.sbatch", work,
        job_environment(gridnmf, CONFIG=f"{CONFIGS}/preemptible.ini",
                        INPUT="long_problem.h5", OUTPUT="long.h5", CHECKPOINT="long.ckpt.h5",
                        CHECKPOINT_INTERVAL="0", EXTRA=long_extra),
        "--ntasks=2", "--time=10", "--output=preempt-%j.out")
    # The uninterrupted reference: same options, same grid.
    jobs["reference"] = sbatch(
        None, work, job_environment(gridnmf), "--ntasks=2", "--time=10",
        "--output=reference-%j.out", "--wrap",
        f"srun --mpi=pmix {gridnmf} factorize --config {CONFIGS}/preemptible.ini "
        f"--input long_problem.h5 --output reference.h5 {long_extra}")
    jobs["factorize"] = sbatch(
        f"{JOBS}/factorize.sbatch", work,
        job_environment(gridnmf, CONFIG=f"{CONFIGS}/factorize.ini", INPUT="problem.h5",
                        OUTPUT="factorize.h5", REPORT="factorize.json",
                        EXTRA="--rank 6 --max-iter 25 --print-every 5"),
        "--ntasks=2", "--time=5", "--output=factorize-%j.out")
    # The same script with mpirun as the launcher (it reads the allocation itself).
    jobs["factorize_mpirun"] = sbatch(
        f"{JOBS}/factorize.sbatch", work,
        job_environment(gridnmf, CONFIG=f"{CONFIGS}/factorize.ini", INPUT="problem.h5",
                        OUTPUT="factorize_mpirun.h5", LAUNCH="mpirun",
                        EXTRA="--rank 6 --max-iter 25 --print-every 5"),
        "--ntasks=2", "--time=5", "--output=factorize-mpirun-%j.out")
    jobs["unmix"] = sbatch(
        f"{JOBS}/unmix.sbatch", work,
        job_environment(gridnmf, CONFIG=f"{CONFIGS}/unmix.ini", INPUT="scene.h5",
                        ENDMEMBERS="3", OUTPUT="unmix.h5", REPORT="unmix.json",
                        EXTRA="--max-iter 20"),
        "--ntasks=2", "--time=5", "--output=unmix-%j.out")
    jobs["strong_scaling"] = sbatch(
        f"{JOBS}/strong_scaling.sbatch", work,
        job_environment(gridnmf, STUDY="strong", ROWS="200", COLS="150", K="5",
                        POINTS="1 2:2x1 4", CONFIG=f"{CONFIGS}/scaling.ini"),
        "--time=5", "--output=strong-%A_%a.out")
    jobs["weak_scaling"] = sbatch(
        f"{JOBS}/weak_scaling.sbatch", work,
        job_environment(gridnmf, STUDY="weak", ROWS="120", COLS_PER_RANK="40", K="4",
                        POINTS="1 2 4:2x2", CONFIG=f"{CONFIGS}/scaling.ini"),
        "--time=5", "--output=weak-%A_%a.out")

    # A rank sweep over a 3-task array plus its merge step, and the same sweep
    # as one job on the same grid.
    sweep_env = dict(INPUT="problem.h5", RANKS="4:8", REPLICATES="2", GRID="1x2",
                     OUTPUT="sweep.h5", EXTRA="--max-iter 60")
    jobs["select_rank"] = sbatch(
        f"{JOBS}/select_rank.sbatch", work, job_environment(gridnmf, **sweep_env),
        "--array=0-2", "--ntasks=2", "--time=5", "--output=sweep-%A_%a.out")
    jobs["select_rank_merge"] = sbatch(
        f"{JOBS}/select_rank.sbatch", work, job_environment(gridnmf, MERGE="1", **sweep_env),
        f"--dependency=afterok:{jobs['select_rank']}", "--ntasks=1", "--time=5",
        "--output=sweep-merge-%j.out")
    jobs["select_rank_single"] = sbatch(
        None, work, job_environment(gridnmf), "--ntasks=2", "--time=10",
        "--output=sweep-single-%j.out", "--wrap",
        f"srun --mpi=pmix {gridnmf} select-rank --input problem.h5 --ranks 4:8 "
        "--replicates 2 --grid 1x2 --max-iter 60 --output single.h5")

    deadline = start + timeout
    # Preemption: signal the batch shell once gridnmf is iterating.
    preempt = jobs["preemptible"]
    preempt_log = os.path.join(work, f"preempt-{preempt}.out")
    iterating = wait_for_line(preempt_log, r"^iter\s+\d+", preempt, deadline)
    checks.check(iterating, "preemptible: gridnmf started iterating", read_text(preempt_log))
    if iterating:
        signalled = run(["scancel", "-b", "-s", "USR1", preempt])
        checks.check(signalled.returncode == 0, "preemptible: scancel -b -s USR1 accepted",
                     signalled.stderr)
    pending = wait_for_jobs(list(jobs.values()), deadline)
    checks.check(not pending, f"every job finished within {timeout:.0f} s",
                 f"still queued or running: {pending}")
    print(f"jobs done after {time.time() - start:.0f} s")

    check_site_markers(checks)
    check_factorize(checks, work, jobs["factorize"])
    check_factorize_mpirun(checks, work, jobs["factorize_mpirun"])
    check_unmix(checks, work, jobs["unmix"])
    check_study(checks, work, jobs["strong_scaling"], "strong", "strong",
                {(1, None): (200, 150), (2, "2x1"): (200, 150), (4, None): (200, 150)})
    check_study(checks, work, jobs["weak_scaling"], "weak", "weak",
                {(1, None): (120, 40), (2, None): (120, 80), (4, "2x2"): (120, 160)})
    check_preemption(checks, work, preempt, preempt_log, jobs["reference"], long_iterations)
    check_select_rank(checks, work, jobs["select_rank"], jobs["select_rank_merge"],
                      jobs["select_rank_single"])


def check_select_rank(checks, work, array, merge, single):
    """Every array task and the merge completed; the merged table equals the
    single-job sweep's bitwise; the picture was drawn."""
    logs = [f"{work}/sweep-{array}_{task}.out" for task in range(3)]
    if not job_completed(checks, array, "select_rank.sbatch array", logs):
        return
    if not job_completed(checks, merge, "select_rank.sbatch merge",
                         [f"{work}/sweep-merge-{merge}.out"]):
        return
    checks.check(len(job_records(merge)) == 1, "select_rank.sbatch merge: one task, not an array")
    if not job_completed(checks, single, "select-rank as one job",
                         [f"{work}/sweep-single-{single}.out"]):
        return
    with h5py.File(f"{work}/sweep.h5", "r") as merged, h5py.File(f"{work}/single.h5", "r") as one:
        same = sorted(merged) == sorted(one) and all(
            np.array_equal(merged[name][()], one[name][()]) for name in one)
        checks.check(same and merged.attrs["recommended_k"] == one.attrs["recommended_k"],
                     "select_rank.sbatch: the merged table equals the single-job sweep's",
                     f"merged k {merged.attrs['recommended_k']}, single k {one.attrs['recommended_k']}")
    checks.check(os.path.exists(f"{work}/sweep.csv") and os.path.exists(f"{work}/sweep.png"),
                 "select_rank.sbatch: the merge step wrote the CSV and the PNG",
                 read_text(f"{work}/sweep-merge-{merge}.out"))


def check_factorize(checks, work, job):
    if not job_completed(checks, job, "factorize.sbatch", [f"{work}/factorize-{job}.out"]):
        return
    w, h, attrs = factors(f"{work}/factorize.h5")
    checks.check(w.shape == (240, 6) and h.shape == (6, 180) and attrs["iterations"] == 25,
                 "factorize.sbatch: result has W 240x6, H 6x180 after 25 iterations "
                 "(config plus INPUT/OUTPUT/EXTRA overrides)")
    report = load_json(f"{work}/factorize.json")
    checks.check(report["ranks"] == 2 and report["iterations"] == 25
                 and report["rows"] == 240 and report["cols"] == 180,
                 "factorize.sbatch: REPORT written with 2 ranks, 25 iterations, 240 x 180")


def check_site_markers(checks):
    """Every script has the places a site fills in and sets every BLAS's threads."""
    for name in sorted(os.listdir(JOBS)):
        text = read_text(os.path.join(JOBS, name))
        for marker in ("##SBATCH --account=", "##SBATCH --partition=", "# module load",
                       "LAUNCH=${LAUNCH:-srun}"):
            checks.check(marker in text, f"{name}: has '{marker}'")
        for variable in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
                         "OMP_NUM_THREADS"):
            checks.check(re.search(rf"export .*{variable}=\$threads", text, re.DOTALL) is not None,
                         f"{name}: exports {variable}")


def check_factorize_mpirun(checks, work, job):
    if not job_completed(checks, job, "factorize.sbatch with LAUNCH=mpirun",
                         [f"{work}/factorize-mpirun-{job}.out"]):
        return
    w, h, attrs = factors(f"{work}/factorize_mpirun.h5")
    checks.check(w.shape == (240, 6) and h.shape == (6, 180) and attrs["iterations"] == 25
                 and attrs["grid"] in ("1x2", "2x1"),
                 "factorize.sbatch with LAUNCH=mpirun: 2 ranks, 25 iterations", str(attrs.get("grid")))


def check_unmix(checks, work, job):
    if not job_completed(checks, job, "unmix.sbatch", [f"{work}/unmix-{job}.out"]):
        return
    w, h, attrs = factors(f"{work}/unmix.h5")
    checks.check(w.shape == (60, 3) and h.shape == (3, 180),
                 "unmix.sbatch: 3 endmember spectra (W 60x3) and abundances (H 3x180) "
                 "(config plus INPUT/ENDMEMBERS/OUTPUT overrides)")
    checks.check(bool(np.all(w >= 0) and np.all(h >= 0)),
                 "unmix.sbatch: spectra and abundances are non-negative")
    checks.check(attrs.get("image_rows") == 12 and attrs.get("image_cols") == 15,
                 "unmix.sbatch: the scene's image shape (12 x 15) is kept in the result",
                 str({k: attrs.get(k) for k in ("image_rows", "image_cols")}))
    report = load_json(f"{work}/unmix.json")
    checks.check(report["ranks"] == 2 and report["rank"] == 3 and report["command"] == "unmix",
                 "unmix.sbatch: REPORT written (command unmix, 2 ranks, 3 endmembers)",
                 json.dumps(report)[:300])


def check_study(checks, work, job, name, study, points):
    """Every array task completed and wrote a report of the expected size and grid;
    the scaling-report tool summarizes the study."""
    logs = [f"{work}/{name}-{job}_{task}.out" for task in range(len(points))]
    records = job_records(job)
    checks.check(len(records) == len(points),
                 f"{name}_scaling.sbatch: {len(points)} array tasks ran", str(list(records)))
    if not job_completed(checks, job, f"{name}_scaling.sbatch", logs):
        return
    folder = os.path.join(work, study)
    for (ranks, grid), (rows, cols) in points.items():
        path = os.path.join(folder, f"report_p{ranks}_{grid or 'auto'}.json")
        if not checks.check(os.path.exists(path), f"{name}_scaling.sbatch: {path} written",
                            str(sorted(os.listdir(folder)))):
            continue
        report = load_json(path)
        ok = (report["ranks"] == ranks and (grid is None or report["grid"] == grid)
              and report["rows"] == rows and report["cols"] == cols
              and report["seconds_per_iteration"] > 0)
        checks.check(ok, f"{name}_scaling.sbatch: {ranks} ranks, grid {grid or 'auto'}, "
                     f"{rows} x {cols} in its report", json.dumps(report)[:400])
        w, h, _ = factors(os.path.join(folder, f"result_p{ranks}_{grid or 'auto'}.h5"))
        checks.check(w.shape[0] == rows and h.shape[1] == cols,
                     f"{name}_scaling.sbatch: result of point p{ranks} has the input's shape")

    result = run(["/usr/bin/python3", os.path.join(SOURCE_DIR, "scripts", "scaling_report.py"),
                  folder, "--title", f"{name} test"])
    checks.check(result.returncode == 0, f"scaling_report.py summarizes the {name} study",
                 result.stdout + result.stderr)
    if result.returncode == 0:
        with open(os.path.join(folder, "scaling.csv"), encoding="utf-8") as stream:
            lines = stream.read().splitlines()
        checks.check(len(lines) == 1 + len(points) and f"{name} scaling" in result.stdout,
                     f"scaling_report.py: {len(points)} {name}-scaling rows in scaling.csv",
                     "\n".join(lines))


def check_preemption(checks, work, job, log_path, reference_job, iterations):
    log = read_text(log_path)
    record = job_records(job).get(job, {})
    checks.check(record.get("JobState") == "COMPLETED" and record.get("ExitCode") == "0:0",
                 f"preemptible.sbatch: finally COMPLETED with exit 0 "
                 f"({record.get('JobState')}, {record.get('ExitCode')})", log)
    checks.check(record.get("Restarts") == "1", "preemptible.sbatch: requeued once (Restarts=1)",
                 f"Restarts={record.get('Restarts')}")
    starts = re.findall(r"^preemptible: start \d+ of job \d+ \(restart count (\d+)\)", log,
                        re.MULTILINE)
    checks.check(starts == ["0", "1"], "preemptible.sbatch: two starts in the log (restart 0, 1)",
                 log)
    checks.check("requeueing job" in log and "resuming from long.ckpt.h5" in log,
                 "preemptible.sbatch: first start requeued, second resumed from the checkpoint",
                 log)
    # The second start continues the iteration count instead of starting over.
    second = log.split("resuming from", 1)[-1]
    resumed_iterations = [int(i) for i in re.findall(r"^iter\s+(\d+)", second, re.MULTILINE)]
    checks.check(bool(resumed_iterations) and resumed_iterations[0] > 1,
                 "preemptible.sbatch: the resumed run continues past iteration 1 "
                 f"(first progress line after resume: {resumed_iterations[:1]})", second[-2000:])

    if not job_completed(checks, reference_job, "uninterrupted reference run",
                         [f"{work}/reference-{reference_job}.out"]):
        return
    w, h, attrs = factors(f"{work}/long.h5")
    w_ref, h_ref, _ = factors(f"{work}/reference.h5")
    checks.check(attrs["iterations"] == iterations,
                 f"preemptible.sbatch: result after {iterations} iterations "
                 f"(got {attrs['iterations']})")
    difference = max(np.max(np.abs(w - w_ref)) / np.max(np.abs(w_ref)),
                     np.max(np.abs(h - h_ref)) / np.max(np.abs(h_ref)))
    checks.check(difference <= 1e-12,
                 "preemptible.sbatch: W and H equal the uninterrupted run "
                 f"(max relative difference {difference:.2e})")


if __name__ == "__main__":
    sys.exit(main())
