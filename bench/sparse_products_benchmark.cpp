// gridnmf_sparse_bench: the two sparse x dense products of one rank (V Y and
// V^T X for a random CSR block), their GFLOP/s, and the time the memory
// bandwidth bound allows (bytes of the CSR block plus the factor row each
// nonzero gathers or scatters, at the copy rate measured here on a large
// array). No MPI.
//   gridnmf_sparse_bench [rows] [cols] [density] [k] [repeats] [float32|float64]
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "gridnmf/local/sparse_assembly.hpp"
#include "gridnmf/local/sparse_products.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// This thread's CPU seconds: less disturbed than wall time when other
// processes share the cores (set GRIDNMF_BENCH_CPU_TIME=1).
double cpu_seconds() {
  timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec + 1e-9 * now.tv_nsec;
}

// Copy bandwidth (read + write bytes per second) of a 512 MiB array.
double copy_bandwidth() {
  const std::size_t count = std::size_t{1} << 26;
  std::vector<double> a(count, 1.0), b(count, 0.0);
  double best = 0.0;
  for (int repeat = 0; repeat < 3; ++repeat) {
    const auto start = Clock::now();
    std::memcpy(b.data(), a.data(), count * sizeof(double));
    best = std::max(best, 2.0 * count * sizeof(double) / seconds_since(start));
  }
  return best + b[count / 2] * 0.0;
}

// Uniform random positions (duplicates summed), values in [0, 1).
template <typename T>
gridnmf::SparseBlock<T> random_block(std::int64_t rows, std::int64_t cols, double density,
                                     std::int64_t k) {
  std::mt19937_64 engine(7);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::uniform_int_distribution<std::int64_t> row(0, rows - 1), column(0, cols - 1);
  std::vector<gridnmf::local::SparseEntry> entries(
      static_cast<std::size_t>(density * static_cast<double>(rows) * static_cast<double>(cols)));
  for (auto& entry : entries) {
    entry = {static_cast<std::uint32_t>(row(engine)), static_cast<std::uint32_t>(column(engine)),
             uniform(engine)};
  }
  std::int64_t duplicates = 0;
  return gridnmf::local::assemble_sparse_block<T>(
      rows, cols,
      gridnmf::local::sparse_panel_columns(rows, cols, static_cast<std::int64_t>(entries.size()),
                                           k, sizeof(T)),
      entries, duplicates);
}

template <typename T>
void run(std::int64_t rows, std::int64_t cols, double density, std::int64_t k, int repeats) {
  const gridnmf::SparseBlock<T> a = random_block<T>(rows, cols, density, k);
  std::vector<T> x(static_cast<std::size_t>(rows * k), T(0.5)), y(static_cast<std::size_t>(cols * k), T(0.25));
  std::vector<T> out_rows(x.size()), out_cols(y.size());
  const double flops = 2.0 * a.nonzeros() * k;
  const double bandwidth = copy_bandwidth();
  const double csr_bytes = static_cast<double>(a.bytes());
  // Each nonzero gathers (or scatters to) one factor row of k values.
  const double gathered_bytes = static_cast<double>(a.nonzeros()) * k * sizeof(T);
  const double bound = (csr_bytes + gathered_bytes) / bandwidth;
  double best_times = 1e30, best_transposed = 1e30, best_kl = 1e30;
  std::vector<T> numer_cols(y.size()), numer_rows(x.size());
  const bool cpu_time = std::getenv("GRIDNMF_BENCH_CPU_TIME") != nullptr;
  const auto time = [&](auto work) {
    const double cpu_start = cpu_seconds();
    const auto start = Clock::now();
    work();
    return cpu_time ? cpu_seconds() - cpu_start : seconds_since(start);
  };
  for (int repeat = 0; repeat < repeats; ++repeat) {
    best_times = std::min(best_times, time([&] {
      gridnmf::local::sparse_times(a, y.data(), k, out_rows.data());
    }));
    best_transposed = std::min(best_transposed, time([&] {
      gridnmf::local::sparse_transposed_times(a, x.data(), k, out_cols.data());
    }));
    // One KL iteration's two numerator passes (the H side with the sums).
    best_kl = std::min(best_kl, time([&] {
      gridnmf::local::SampledSums sums;
      gridnmf::local::kl_numerator_h_side(a, x.data(), y.data(), k, numer_cols.data(), &sums);
      gridnmf::local::kl_numerator_w_side(a, x.data(), y.data(), k, numer_rows.data(), nullptr);
    }));
  }
  std::printf("block %lld x %lld, %lld nonzeros (CSR %.1f MB, %lld panels), k %lld, %s\n",
              static_cast<long long>(rows), static_cast<long long>(cols),
              static_cast<long long>(a.nonzeros()), csr_bytes / 1e6,
              static_cast<long long>(a.panels()), static_cast<long long>(k),
              sizeof(T) == 4 ? "float32" : "float64");
  std::printf("copy bandwidth %.1f GB/s; bound per product %.4f s (CSR + one factor row per "
              "nonzero)%s\n", bandwidth / 1e9, bound, cpu_time ? "; CPU time" : "");
  std::printf("V Y    %.4f s  %.2f GFLOP/s  %.2fx the bound\n", best_times,
              flops / best_times / 1e9, best_times / bound);
  std::printf("V^T X  %.4f s  %.2f GFLOP/s  %.2fx the bound\n", best_transposed,
              flops / best_transposed / 1e9, best_transposed / bound);
  std::printf("KL numerators (both halves) %.4f s = %.2fx the two Frobenius products\n",
              best_kl, best_kl / (best_times + best_transposed));
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t rows = argc > 1 ? std::atoll(argv[1]) : 200000;
  const std::int64_t cols = argc > 2 ? std::atoll(argv[2]) : 100000;
  const double density = argc > 3 ? std::atof(argv[3]) : 1e-3;
  const std::int64_t k = argc > 4 ? std::atoll(argv[4]) : 50;
  const int repeats = argc > 5 ? std::atoi(argv[5]) : 3;
  const std::string precision = argc > 6 ? argv[6] : "float64";
  if (precision == "float32") {
    run<float>(rows, cols, density, k, repeats);
  } else {
    run<double>(rows, cols, density, k, repeats);
  }
  return 0;
}
