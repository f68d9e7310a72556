#!/usr/bin/python3
"""One table of how close every configuration runs to the hardware: seconds
per iteration of gridnmf_bench (dense, generated V) for MU, HALS, BPP and MU
with KL, float64 and float32, k = 32 and 64, at 1 and 2 ranks, each with its
ratio to Frobenius MU float64 of the same k and ranks, float32's speed-up over
float64 for the same configuration, its ratio to the GEMM bound (4 m n k flops
at the GEMM rate measured in the same run; KL's bound counts its 8 m n k), the
GEMM rate itself (sgemm against dgemm bounds float32's speed-up), and peak RSS
per rank. All figures come from one run of
this script, so the ratios compare like with like. Run it on a quiet machine.

  source scripts/mpi_env.sh
  /usr/bin/python3 bench/limits_benchmark.py --bench build/bench/gridnmf_bench
      [--size 6000] [--ranks 1 2] [--ks 32 64] [--iterations 10]"""
import argparse
import json
import subprocess

CONFIGURATIONS = [("MU", ["--algorithm", "mu"]), ("HALS", ["--algorithm", "hals"]),
                  ("BPP", ["--algorithm", "bpp"]), ("MU KL", ["--algorithm", "mu", "--loss", "kl"])]


def measure(bench, mpiexec, ranks, size, k, precision, extra, iterations):
    done = subprocess.run([mpiexec, "-n", str(ranks), "--bind-to", "core", bench, "--rows",
                           str(size), "--cols", str(size), "--rank", str(k), "--precision",
                           precision, "--iterations", str(iterations), *extra],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"gridnmf_bench failed: {done.stderr.strip()}")
    return json.loads([line for line in done.stdout.splitlines() if line.startswith("{")][-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", required=True)
    parser.add_argument("--mpiexec", default="mpiexec")
    parser.add_argument("--size", type=int, default=6000)
    parser.add_argument("--ranks", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--ks", type=int, nargs="+", default=[32, 64])
    parser.add_argument("--iterations", type=int, default=10)
    args = parser.parse_args()
    print(f"V {args.size} x {args.size} (generated, rank {max(args.ks)}), seconds per iteration "
          "(mean of the measured iterations, slowest rank)\n")
    print("| configuration | precision | k | ranks | s/iter | / MU float64 | float32 speed-up | "
          "/ GEMM bound | GEMM GFLOP/s/rank | peak RSS/rank (MiB) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for k in args.ks:
        for ranks in args.ranks:
            baseline = None
            float64_seconds = {}
            for precision in ("float64", "float32"):
                for name, extra in CONFIGURATIONS:
                    facts = measure(args.bench, args.mpiexec, ranks, args.size, k, precision,
                                    extra, args.iterations)
                    seconds = facts["sec_per_iter"]
                    if baseline is None:
                        baseline = seconds  # MU float64 runs first
                    if precision == "float64":
                        float64_seconds[name] = seconds
                        speedup = "-"
                    else:  # float64 time over float32 time of the same configuration
                        speedup = f"{float64_seconds[name] / seconds:.2f}"
                    print(f"| {name} | {precision} | {k} | {ranks} | {seconds:.4f} | "
                          f"{seconds / baseline:.2f} | {speedup} | "
                          f"{facts['ratio_to_gemm_bound']:.3f} | "
                          f"{facts['gemm_gflops_per_rank']:.1f} | "
                          f"{facts['peak_rss_bytes_max'] / 2**20:.0f} |", flush=True)


if __name__ == "__main__":
    main()
