// gridnmf_bench: seconds per MU iteration on a synthetic V, compared with the
// time the two large GEMMs alone would take at this machine's measured rate,
// and peak memory compared with the size of the V block.
#include <mpi.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <fstream>
#include <numeric>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "gridnmf/algorithms/alternating_driver.hpp"
#include "gridnmf/algorithms/update_rule.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/config/precision.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/generate/synthetic_matrix.hpp"
#include "gridnmf/grid/grid_shape.hpp"
#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/init/random_init.hpp"
#include "gridnmf/local/blas.hpp"
#include "gridnmf/local/cross_products.hpp"
#include "gridnmf/mpi/environment.hpp"
#include "gridnmf/perf/loop_meter.hpp"
#include "gridnmf/perf/phase_timer.hpp"
#include "gridnmf/perf/run_report.hpp"
#include "gridnmf/perf/traffic_model.hpp"

namespace {

using gridnmf::LocalMatrix;
using gridnmf::UsageError;

constexpr const char* kUsage =
    "usage: gridnmf_bench --rows M --cols N --rank K [--iterations I (10)] [--warmup W (2)]\n"
    "                     [--precision float64|float32] [--grid PRxPC] [--seed S (1)]\n"
    "                     [--gemm-repeats R (5)] [--algorithm mu|hals|bpp] [--loss L]\n"
    "                     [--report FILE.json]\n"
    "  Times MU iterations on a synthetic M x N matrix generated in memory on each rank.\n"
    "  Prints the per-phase breakdown; --report writes the same JSON as factorize --report.\n"
    "  GRIDNMF_PRODUCT_LAYOUT=tall|wide forces the GEMM layout (default: by BLAS core).\n";

struct BenchOptions {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t rank = 0;
  int iterations = 10;
  int warmup = 2;
  gridnmf::Precision precision = gridnmf::Precision::kFloat64;
  gridnmf::Algorithm algorithm = gridnmf::Algorithm::kMu;
  gridnmf::Loss loss;
  std::optional<gridnmf::GridShape> grid;
  std::uint64_t seed = 1;
  int gemm_repeats = 5;
  std::string report;  // JSON report file, as `factorize --report`
  bool help = false;
};

std::int64_t parse_integer(const std::string& name, const std::string& text, std::int64_t min) {
  std::size_t used = 0;
  long long value = 0;
  try {
    value = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || value < min) {
    throw UsageError(name + " needs an integer >= " + std::to_string(min) + ", got '" + text + "'");
  }
  return value;
}

// Every rank parses the same argv, so every rank throws the same UsageError.
BenchOptions parse_options(int argc, char** argv) {
  BenchOptions options;
  for (int a = 1; a < argc; ++a) {
    const std::string name = argv[a];
    if (name == "--help" || name == "-h") {
      options.help = true;
      continue;
    }
    if (a + 1 >= argc) throw UsageError(name + " needs a value (see --help)");
    const std::string value = argv[++a];
    if (name == "--algorithm") {
      options.algorithm = gridnmf::algorithm_from_string(value);
    } else if (name == "--loss") {
      options.loss = gridnmf::loss_from_string(value);
    } else if (name == "--rows") {
      options.rows = parse_integer(name, value, 1);
    } else if (name == "--cols") {
      options.cols = parse_integer(name, value, 1);
    } else if (name == "--rank") {
      options.rank = parse_integer(name, value, 1);
    } else if (name == "--iterations") {
      options.iterations = static_cast<int>(parse_integer(name, value, 1));
    } else if (name == "--warmup") {
      options.warmup = static_cast<int>(parse_integer(name, value, 0));
    } else if (name == "--precision") {
      options.precision = gridnmf::precision_from_string(value);
    } else if (name == "--grid") {
      options.grid = gridnmf::parse_grid_shape(value);
    } else if (name == "--seed") {
      options.seed = static_cast<std::uint64_t>(parse_integer(name, value, 0));
    } else if (name == "--report") {
      options.report = value;
    } else if (name == "--gemm-repeats") {
      options.gemm_repeats = static_cast<int>(parse_integer(name, value, 1));
    } else {
      throw UsageError("unknown option '" + name + "' (see --help)");
    }
  }
  if (options.help) return options;
  if (options.rows == 0 || options.cols == 0 || options.rank == 0) {
    throw UsageError("--rows, --cols and --rank are required (see --help)");
  }
  if (options.rank > std::min(options.rows, options.cols)) {
    throw UsageError("--rank " + std::to_string(options.rank) + " exceeds min(rows, cols)");
  }
  return options;
}

// Resident set now and its high-water mark, in bytes. VmRSS/VmHWM from
// /proc are exact; getrusage is the fallback where /proc is missing.
struct MemoryUse {
  std::int64_t current = 0;
  std::int64_t peak = 0;
};

MemoryUse memory_use() {
  MemoryUse use;
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    std::istringstream fields(line);
    std::string key;
    std::int64_t kib = 0;
    fields >> key >> kib;
    if (key == "VmRSS:") use.current = kib * 1024;
    if (key == "VmHWM:") use.peak = kib * 1024;
  }
  if (use.peak == 0) {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    use.peak = static_cast<std::int64_t>(usage.ru_maxrss) * 1024;
  }
  return use;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t half = values.size() / 2;
  return values.size() % 2 == 1 ? values[half] : 0.5 * (values[half - 1] + values[half]);
}

double mean(const std::vector<double>& values) {
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

// Min, mean and max of one value over the ranks of `comm`.
struct Spread {
  double min = 0.0;
  double avg = 0.0;
  double max = 0.0;
};

Spread spread(MPI_Comm comm, double value) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  Spread s;
  MPI_Allreduce(&value, &s.min, 1, MPI_DOUBLE, MPI_MIN, comm);
  MPI_Allreduce(&value, &s.avg, 1, MPI_DOUBLE, MPI_SUM, comm);
  MPI_Allreduce(&value, &s.max, 1, MPI_DOUBLE, MPI_MAX, comm);
  s.avg /= size;
  return s;
}

// Best time of each of the two GEMM shapes of one iteration on this rank, and
// the median of the two together (how far one call strays from the best).
struct GemmProbe {
  double seconds_vtw = 0.0;  // V_ij^T W_i: n_j x k, inner m_i
  double seconds_vht = 0.0;  // V_ij H_j^T: m_i x k, inner n_j
  double median_seconds_both = 0.0;
  double flops_per_second = 0.0;  // from the best times
};

// All ranks run each call together (barrier first), so they share memory
// bandwidth and caches the way they do inside an iteration.
template <typename T>
GemmProbe probe_gemm(MPI_Comm comm, const LocalMatrix<T>& v, std::int64_t k, int repeats,
                     gridnmf::local::ProductLayout layout) {
  const std::int64_t m_i = v.rows;
  const std::int64_t n_j = v.cols;
  LocalMatrix<T> w_block(m_i, k);
  LocalMatrix<T> ht_block(n_j, k);
  LocalMatrix<T> vtw(n_j, k);
  LocalMatrix<T> vht(m_i, k);
  std::fill(w_block.values.begin(), w_block.values.end(), T(0.5));
  std::fill(ht_block.values.begin(), ht_block.values.end(), T(0.5));

  const auto times_of = [&](auto&& call) {
    call();  // untimed: first touch of the output and BLAS buffers
    std::vector<double> seconds;
    for (int r = 0; r < repeats; ++r) {
      MPI_Barrier(comm);
      const double start = MPI_Wtime();
      call();
      seconds.push_back(MPI_Wtime() - start);
    }
    return seconds;
  };
  // The GEMM calls alone, in the shapes the driver's layout uses (without the
  // transposition kWide adds, which counts as overhead of the iteration).
  const bool wide = layout == gridnmf::local::ProductLayout::kWide;
  const std::vector<double> vtw_seconds = times_of([&] {
    if (wide) {
      gridnmf::local::gemm(true, false, k, n_j, m_i, T(1), w_block.data(), k, v.data(), n_j,
                           T(0), vtw.data(), n_j);
    } else {
      gridnmf::local::gemm(true, false, n_j, k, m_i, T(1), v.data(), n_j, w_block.data(), k,
                           T(0), vtw.data(), k);
    }
  });
  const std::vector<double> vht_seconds = times_of([&] {
    if (wide) {
      gridnmf::local::gemm(true, true, k, m_i, n_j, T(1), ht_block.data(), k, v.data(), n_j,
                           T(0), vht.data(), m_i);
    } else {
      gridnmf::local::gemm(false, false, m_i, k, n_j, T(1), v.data(), n_j, ht_block.data(), k,
                           T(0), vht.data(), k);
    }
  });
  GemmProbe probe;
  probe.seconds_vtw = *std::min_element(vtw_seconds.begin(), vtw_seconds.end());
  probe.seconds_vht = *std::min_element(vht_seconds.begin(), vht_seconds.end());
  probe.median_seconds_both = median(vtw_seconds) + median(vht_seconds);
  probe.flops_per_second = 4.0 * static_cast<double>(m_i) * static_cast<double>(n_j) *
                           static_cast<double>(k) / (probe.seconds_vtw + probe.seconds_vht);
  return probe;
}

template <typename T>
void run_benchmark(const BenchOptions& options, const gridnmf::ProcessGrid& grid,
                   const gridnmf::Distribution& dist) {
  const bool print = grid.rank() == 0;
  const MPI_Comm all = grid.all();
  const int ranks = grid.size();
  const std::int64_t k = options.rank;
  const MemoryUse at_start = memory_use();

  const gridnmf::SyntheticProblem problem{options.rows, options.cols, k, 0.0, options.seed};
  const gridnmf::DataBlock<T> v(gridnmf::synthetic_block<T>(problem, dist.block_rows(grid.row()),
                                                       dist.block_cols(grid.col())));
  const double v_bytes = static_cast<double>(v.dense().size()) * sizeof(T);
  const MemoryUse with_v = memory_use();

  const gridnmf::MatrixStatistics stats = gridnmf::global_statistics(grid, v);
  const double v_mean = stats.sum / (static_cast<double>(options.rows) * options.cols);
  const double scale = gridnmf::random_init_scale(v_mean, k);
  auto w_own =
      gridnmf::random_w_rows<T>(dist.owned_w_rows(grid.row(), grid.col()), k, options.seed, scale);
  auto ht_own =
      gridnmf::random_ht_cols<T>(dist.owned_h_cols(grid.row(), grid.col()), k, options.seed, scale);

  // A beta-divergence run evaluates iterate t in the H half of iteration
  // t + 1, so iteration 11 of the window pays for iterate 10; the last
  // iterate is evaluated after the loop's last timed iteration.
  const int total_iterations = options.warmup + options.iterations;
  gridnmf::SolverSettings settings;
  settings.algorithm = options.algorithm;
  settings.loss = options.loss;
  settings.stopping = gridnmf::StoppingRule{total_iterations, 0.0, 0.0, 0.0};
  settings.validate();
  // Loop seconds at the end of every iteration, evaluated or not.
  std::vector<double> elapsed;
  gridnmf::DriverControl<T> control;
  control.after_iteration = [&elapsed](const gridnmf::IterationSnapshot<T>& snapshot) {
    elapsed.push_back(snapshot.elapsed);
  };
  MPI_Barrier(all);
  gridnmf::perf::phase_times().clear();
  gridnmf::perf::reset_loop_record();
  auto result = gridnmf::run_alternating_updates<T>(grid, dist, v, stats, std::move(w_own),
                                                    std::move(ht_own), settings, {}, control);
  // Taken before the GEMM probe, whose buffers are not part of a real run.
  const MemoryUse after_solve = memory_use();
  // Phases over all W + I iterations (the timers cannot tell warm-up apart).
  const gridnmf::perf::PhaseTimes phases = gridnmf::perf::phase_times();
  std::vector<std::pair<std::string, Spread>> phase_spreads;
  for (const gridnmf::perf::Phase phase : gridnmf::perf::kAllPhases) {
    if (static_cast<int>(phase) > static_cast<int>(gridnmf::perf::Phase::kObjective)) break;
    phase_spreads.emplace_back(gridnmf::perf::to_string(phase),
                               spread(all, phases.seconds(phase) / total_iterations));
  }
  const Spread communication = spread(all, phases.communication_seconds() / total_iterations);
  const Spread loop_per_iteration =
      spread(all, gridnmf::perf::loop_record().seconds / total_iterations);
  const Spread bytes_sent = spread(
      all, static_cast<double>(gridnmf::perf::loop_record().per_iteration_traffic().total().sent));
  const double model_bytes =
      gridnmf::perf::model_bytes_per_iteration(dist, k, sizeof(T), options.loss);
  if (!options.report.empty()) {
    gridnmf::perf::RunFacts facts;
    facts.command = "bench";
    facts.grid = grid.shape();
    facts.rows = options.rows;
    facts.cols = options.cols;
    facts.rank = k;
    facts.precision = gridnmf::to_string(options.precision);
    facts.algorithm = gridnmf::to_string(settings.algorithm);
    facts.loss = gridnmf::to_string(settings.loss);
    facts.iterations = result.iterations;
    facts.total_seconds = result.seconds;  // generation of V and the probe are not the run
    facts.flops_per_iteration = gridnmf::flops_per_iteration(dist, k, settings.loss);
    facts.model_bytes_per_iteration = model_bytes;
    gridnmf::perf::write_run_report(all, options.report, facts);
  }

  const gridnmf::local::ProductLayout layout = gridnmf::local::preferred_product_layout();
  const GemmProbe probe = probe_gemm(all, v.dense(), k, options.gemm_repeats, layout);
  const Spread gemm_rate = spread(all, probe.flops_per_second);
  const double gemm_rate_sum = gemm_rate.avg * ranks;

  // Each iteration ends in an allreduce, so ranks agree closely; the slowest
  // rank's time is the one a user waits for.
  std::vector<double> per_iteration(static_cast<std::size_t>(total_iterations));
  for (int t = 0; t < total_iterations; ++t) {
    per_iteration[t] = elapsed.at(t) - (t > 0 ? elapsed[t - 1] : 0.0);
  }
  MPI_Allreduce(MPI_IN_PLACE, per_iteration.data(), total_iterations, MPI_DOUBLE, MPI_MAX, all);
  const std::vector<double> measured(per_iteration.begin() + options.warmup, per_iteration.end());
  // The mean, not the median: a beta-divergence run's every tenth iteration
  // also evaluates the divergence, and a user pays for it.
  const double sec_per_iter = mean(measured);
  const double flops = gridnmf::flops_per_iteration(dist, k, settings.loss);
  const double ideal_seconds = flops / gemm_rate_sum;
  const double ratio = sec_per_iter / ideal_seconds;
  // With equal blocks the slowest core sets the pace; the gap between the two
  // bounds is core-speed imbalance, not overhead of the iteration.
  const Spread gemm_seconds = spread(all, probe.seconds_vtw + probe.seconds_vht);
  const Spread gemm_median_seconds = spread(all, probe.median_seconds_both);

  const Spread rss = spread(all, static_cast<double>(after_solve.peak));
  const Spread rss_at_start = spread(all, static_cast<double>(at_start.current));
  const Spread rss_with_v = spread(all, static_cast<double>(with_v.current));
  const Spread v_block = spread(all, v_bytes);
  const Spread rss_over_v = spread(all, static_cast<double>(after_solve.peak) / v_bytes);

  if (!print) return;

  const std::string precision = gridnmf::to_string(options.precision);
  const std::string grid_text = grid.shape().to_string();
  const double mib = 1024.0 * 1024.0;
  std::printf("gridnmf_bench: V %lld x %lld, k %lld, %s, %d ranks, grid %s\n",
              static_cast<long long>(options.rows), static_cast<long long>(options.cols),
              static_cast<long long>(k), precision.c_str(), ranks, grid_text.c_str());
  std::printf("  V block (rank 0): %lld x %lld, %.1f MiB (max over ranks %.1f MiB)\n",
              static_cast<long long>(v.rows()), static_cast<long long>(v.cols()), v_bytes / mib,
              v_block.max / mib);
  std::printf("  GEMM probe (rank 0, best of %d, %s layout): V^T W_i %.4f s, V H_j^T %.4f s\n",
              options.gemm_repeats, gridnmf::local::to_string(layout).c_str(), probe.seconds_vtw,
              probe.seconds_vht);
  std::printf("  GEMM rate per rank: %.2f GFLOP/s (min %.2f, max %.2f); sum %.2f GFLOP/s\n",
              gemm_rate.avg / 1e9, gemm_rate.min / 1e9, gemm_rate.max / 1e9, gemm_rate_sum / 1e9);
  std::printf("  both GEMMs on the slowest rank: best %.4f s, median %.4f s\n", gemm_seconds.max,
              gemm_median_seconds.max);
  std::printf("  iterations: %d warm-up + %d measured; sec/iter is the mean (slowest rank)\n",
              options.warmup, options.iterations);
  std::printf("  sec/iter: mean %.4f, median %.4f, min %.4f, max %.4f\n", sec_per_iter,
              median(measured), *std::min_element(measured.begin(), measured.end()),
              *std::max_element(measured.begin(), measured.end()));
  std::printf("  each iteration (slowest rank):");
  for (const double seconds : per_iteration) std::printf(" %.4f", seconds);
  std::printf("\n  rate: %.2f GFLOP/s (4mnk per iteration)\n", flops / sec_per_iter / 1e9);
  std::printf("  GEMM bound: %.4f s/iter; ratio measured/bound %.3f (target <= 1.15)\n",
              ideal_seconds, ratio);
  std::printf("  slowest-rank GEMM bound: %.4f s/iter; ratio %.3f\n", gemm_seconds.max,
              sec_per_iter / gemm_seconds.max);
  std::printf(
      "  peak RSS to the end of the solve: max %.1f MiB over ranks; RSS / V block: "
      "max %.3f\n",
      rss.max / mib, rss_over_v.max);
  std::printf("  RSS before V: max %.1f MiB; with V: max %.1f MiB\n", rss_at_start.max / mib,
              rss_with_v.max / mib);
  std::printf("  relative error after %d iterations: %.6g\n", result.iterations,
              result.relative_error);
  std::printf("  phases per iteration over all %d iterations, ms (avg over ranks [max]):\n   ",
              total_iterations);
  std::string phases_json;
  for (const auto& [name, s] : phase_spreads) {
    std::printf(" %s %.3f [%.3f]", name.c_str(), 1e3 * s.avg, 1e3 * s.max);
    phases_json += (phases_json.empty() ? "\"" : ",\"") + name + "\":" + std::to_string(s.avg);
  }
  std::printf("\n  communication (gram + allgather + reduce_scatter): %.3f ms/iter, %.1f%% of the "
              "loop; bytes sent per rank per iteration %.0f (model %.0f)\n",
              1e3 * communication.avg, 100.0 * communication.avg / loop_per_iteration.avg,
              bytes_sent.avg, model_bytes);
  std::printf(
      "{\"benchmark\":\"gridnmf_bench\",\"m\":%lld,\"n\":%lld,\"k\":%lld,\"ranks\":%d,"
      "\"grid\":\"%s\",\"precision\":\"%s\",\"algorithm\":\"%s\",\"loss\":\"%s\","
      "\"layout\":\"%s\",\"iterations\":%d,\"warmup\":%d,"
      "\"timing\":\"mean\",\"sec_per_iter\":%.6g,\"sec_per_iter_median\":%.6g,"
      "\"gflops\":%.6g,\"gemm_gflops_per_rank\":%.6g,\"gemm_gflops_per_rank_min\":%.6g,"
      "\"ratio_to_gemm_bound\":%.6g,\"ratio_to_slowest_rank_gemm\":%.6g,"
      "\"peak_rss_bytes_max\":%lld,"
      "\"v_block_bytes_max\":%lld,\"rss_over_v\":%.6g,"
      "\"phases_sec_per_iter\":{%s},\"communication_share\":%.6g,"
      "\"bytes_per_iter\":%.6g,\"model_bytes_per_iter\":%.6g}\n",
      static_cast<long long>(options.rows), static_cast<long long>(options.cols),
      static_cast<long long>(k), ranks, grid_text.c_str(), precision.c_str(),
      gridnmf::to_string(settings.algorithm).c_str(), gridnmf::to_string(settings.loss).c_str(),
      gridnmf::local::to_string(layout).c_str(), options.iterations,
      options.warmup, sec_per_iter, median(measured), flops / sec_per_iter / 1e9, gemm_rate.avg / 1e9,
      gemm_rate.min / 1e9, ratio, sec_per_iter / gemm_seconds.max, static_cast<long long>(rss.max),
      static_cast<long long>(v_block.max), rss_over_v.max, phases_json.c_str(),
      communication.avg / loop_per_iteration.avg, bytes_sent.avg, model_bytes);
  std::fflush(stdout);
}

int run(int argc, char** argv, int world_size, bool print) {
  const BenchOptions options = parse_options(argc, argv);
  if (options.help) {
    if (print) std::fputs(kUsage, stdout);
    return 0;
  }
  const gridnmf::GridShape shape =
      options.grid ? *options.grid
                   : gridnmf::choose_grid_shape(options.rows, options.cols, world_size);
  const gridnmf::ProcessGrid grid(MPI_COMM_WORLD, shape);
  const gridnmf::Distribution dist(options.rows, options.cols, shape.rows, shape.cols);
  if (options.precision == gridnmf::Precision::kFloat32) {
    run_benchmark<float>(options, grid, dist);
  } else {
    run_benchmark<double>(options, grid, dist);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  gridnmf::mpi::Environment environment(argc, argv);
  const bool print = environment.world_rank() == 0;
  try {
    return run(argc, argv, environment.world_size(), print);
  } catch (const gridnmf::UsageError& e) {
    // Replicated checks: every rank is here with the same message.
    if (print) std::fprintf(stderr, "gridnmf_bench: error: %s\n", e.what());
    return 2;
  } catch (const gridnmf::Error& e) {
    if (print) std::fprintf(stderr, "gridnmf_bench: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "gridnmf_bench: internal error on rank %d: %s\n", environment.world_rank(),
                 e.what());
    gridnmf::mpi::abort_all(3);
  }
}
