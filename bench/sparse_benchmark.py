#!/usr/bin/python3
"""Seconds per iteration of gridnmf on sparse matrices, from --report: a
random 200,000 x 100,000 matrix of density 1e-3 (20 million nonzeros, the
size of the reference figures in issue 11) and the real count matrices of
../shared/data/sparse when present; MU, HALS, BPP (Frobenius) and MU with KL
at 1 and 2 ranks. Prints a Markdown table with peak RSS per rank against the
largest CSR block. Run it on a quiet machine (nothing else building or
running): two MPI jobs on 2 cores distort each other.

  source scripts/mpi_env.sh
  /usr/bin/python3 bench/sparse_benchmark.py --gridnmf build/gridnmf [--rank 50]
      [--iterations 5] [--ranks 1 2] [--work DIR] [--sparse-data ../shared/data/sparse]"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sparse_matrix import write_random_csr  # noqa: E402

# Per-iteration seconds of a well-known distributed NMF code's sparse build on
# the random matrix (issue 11), 1 rank / 2 ranks, OPENBLAS_NUM_THREADS=1.
REFERENCE = {"mu": (5.6, 3.2), "hals": (5.5, 3.25), "bpp": (16.9, 7.5)}
RUNS = [("mu", ["--algorithm", "mu"]), ("hals", ["--algorithm", "hals"]),
        ("bpp", ["--algorithm", "bpp"]), ("mu-kl", ["--algorithm", "mu", "--loss", "kl"])]


def kos_matrix(sparse_data, work, gridnmf, mpiexec):
    """KOS converted once into the sparse layout (words x documents)."""
    docword = os.path.join(sparse_data, "kos_docword.kos.txt.gz")
    if not os.path.exists(docword):
        return None
    out = os.path.join(work, "kos.h5")
    if not os.path.exists(out):
        subprocess.run([mpiexec, "-n", "1", gridnmf, "convert", "--input", docword,
                        "--row-names", os.path.join(sparse_data, "kos_vocab.kos.txt"),
                        "--output", out, "--quiet"], check=True)
    return out


def run(gridnmf, mpiexec, ranks, source, rank, iterations, extra, work):
    out, report = os.path.join(work, "out.h5"), os.path.join(work, "report.json")
    done = subprocess.run([mpiexec, "-n", str(ranks), "--bind-to", "core", gridnmf, "factorize",
                           "--input", source, "--rank", str(rank), "--max-iter",
                           str(iterations), "--tol", "0", "--output", out, "--report", report,
                           "--quiet", *extra], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"gridnmf failed: {done.stderr.strip()}")
    with open(report) as f:
        return json.load(f)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gridnmf", required=True)
    parser.add_argument("--mpiexec", default="mpiexec")
    parser.add_argument("--rank", type=int, default=50)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--work", default=None, help="folder for the generated matrix (kept)")
    parser.add_argument("--sparse-data", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "sparse"))
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="gridnmf_sparse_bench_")
    os.makedirs(work, exist_ok=True)
    random_path = os.path.join(work, "random_200000x100000.h5")
    if not os.path.exists(random_path):
        write_random_csr(random_path, 200_000, 100_000, 20_000_000, seed=1)
    matrices = [("random 200000 x 100000, density 1e-3", random_path)]
    kos = kos_matrix(args.sparse_data, work, args.gridnmf, args.mpiexec)
    if kos:
        matrices.append(("KOS 6906 x 3430 (UCI)", kos))
    visium = os.path.join(args.sparse_data, "visium_placenta_filtered_feature_bc_matrix.h5")
    if os.path.exists(visium):
        matrices.append(("Visium 19465 x 2898 (10x)", visium))
    else:
        print(f"real matrices not found under {args.sparse_data}: random matrix only",
              file=sys.stderr)

    print(f"k = {args.rank}, {args.iterations} iterations, seconds per iteration (slowest rank's "
          "loop time / iterations)\n")
    print("| matrix | algorithm | ranks | s/iter | GFLOP/s | reference s/iter | speed-up | "
          "peak RSS/rank (MB) | CSR block (MB) | max/mean nnz |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, path in matrices:
        for name, extra in RUNS:
            for ranks in args.ranks:
                facts = run(args.gridnmf, args.mpiexec, ranks, path, args.rank,
                            args.iterations, extra, work)
                seconds = facts["seconds_per_iteration"]
                reference = REFERENCE.get(name) if label.startswith("random") else None
                ref_text = f"{reference[ranks - 1]:.2f}" if reference and ranks <= 2 else "-"
                speed = (f"{reference[ranks - 1] / seconds:.1f}x" if reference and ranks <= 2
                         else "-")
                sparse = facts["sparse_input"]
                print(f"| {label} | {name} | {ranks} | {seconds:.4f} | "
                      f"{facts['gflops_per_second']:.2f} | {ref_text} | {speed} | "
                      f"{facts['peak_rss_bytes']['max'] / 1e6:.0f} | "
                      f"{sparse['max_block_bytes'] / 1e6:.1f} | "
                      f"{sparse['nonzero_imbalance']:.3f} |", flush=True)


if __name__ == "__main__":
    main()
