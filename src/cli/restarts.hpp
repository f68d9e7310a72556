#pragma once

// The start and the run of `gridnmf factorize`, repeated over --restarts
// seeds, keeping the run with the lowest final objective. Private to cli/.
#include <mpi.h>

#include <cstdio>
#include <string>
#include <vector>

#include "gridnmf/algorithms/alternating_driver.hpp"
#include "gridnmf/algorithms/data_scale.hpp"
#include "gridnmf/cli/progress.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/comm/factor_order.hpp"
#include "gridnmf/config/factorize_options.hpp"
#include "gridnmf/init/initial_factors.hpp"
#include "gridnmf/perf/phase_timer.hpp"
#include "checkpointing.hpp"

namespace gridnmf::cli {

template <typename T>
struct BestOfRestarts {
  Factorization<T> result;
  std::int64_t seed = 0;
  double init_seconds = 0.0;  // of the kept run, slowest rank
  std::vector<std::int64_t> seeds;
  std::vector<double> objectives;
  bool interrupted = false;  // a stop signal ended the last run (and the restarts)
};

inline std::string number_text(const char* format, double value) {
  char text[32];
  std::snprintf(text, sizeof(text), format, value);
  return text;
}

// Runs options.restarts starts with seeds seed, seed + 1, ... on V scaled by
// `scale` (a --init file holds factors in V's own scale); the objective
// is replicated, so every rank keeps the same run. `fixed_w_own` (--fix-w,
// internal order, already scaled) replaces every start's W. A stop signal ends the
// restarts (the best run so far is kept). Collective over grid.all().
template <typename T>
BestOfRestarts<T> run_with_restarts(const ProcessGrid& grid, const Distribution& dist,
                                    const DataBlock<T>& v_block, const MatrixStatistics& stats,
                                    const FactorizeOptions& options,
                                    const ProgressPrinter& printer,
                                    const DriverControl<T>& control,
                                    const comm::InputOrder& order, const InputScale& scale,
                                    const LocalMatrix<T>* fixed_w_own = nullptr) {
  const InitChoice init = parse_init(options.init);
  BestOfRestarts<T> best;
  for (int restart = 0; restart < options.restarts; ++restart) {
    const std::uint64_t seed = options.seed + static_cast<std::uint64_t>(restart);
    const std::string which = options.restarts > 1
                                  ? " (restart " + std::to_string(restart + 1) + " of " +
                                        std::to_string(options.restarts) + ", seed " +
                                        std::to_string(seed) + ")"
                                  : "";
    double init_seconds = MPI_Wtime();
    perf::PhaseClock init_clock(perf::Phase::kInit);
    auto [w_own, ht_own] = initial_factors<T>(grid, dist, v_block, init, options.rank, seed);
    if (init.method == InitMethod::kFile) scale_factors(w_own, ht_own, scale);  // V's own scale
    if (init.method == InitMethod::kRandom || init.method == InitMethod::kFile) {
      // Drawn by global index or read in the input's order: the same start
      // as an unpermuted run.
      comm::reorder_factors(grid, dist, order, comm::OrderDirection::kToInternal, w_own, ht_own);
    }
    if (fixed_w_own) w_own = *fixed_w_own;  // --fix-w: the start's H with the given W
    init_clock.stop();
    init_seconds = MPI_Wtime() - init_seconds;
    comm::allreduce_max(grid.all(), &init_seconds, 1);
    printer.message("initialisation: " + number_text("%.3f", init_seconds) + " s (" +
                    to_string(init.method) + ")" + which);
    Factorization<T> result = run_alternating_updates<T>(
        grid, dist, v_block, stats, std::move(w_own), std::move(ht_own), options.solver,
        [&](const IterationRecord& record) { printer.iteration(record); }, control);
    best.interrupted = result.stop_reason == StopReason::kInterrupted;
    if (options.restarts > 1) {
      printer.message("restart " + std::to_string(restart + 1) + ": final objective " +
                      number_text("%.6e", result.objective));
    }
    best.seeds.push_back(static_cast<std::int64_t>(seed));
    best.objectives.push_back(result.objective);
    if (restart == 0 || result.objective < best.result.objective) {
      best.result = std::move(result);
      best.seed = static_cast<std::int64_t>(seed);
      best.init_seconds = init_seconds;
    }
    if (best.interrupted) break;
  }
  if (options.restarts > 1) {
    printer.message("kept the run with seed " + std::to_string(best.seed));
  }
  return best;
}

// Continues the --resume checkpoint (no restarts: refused with --checkpoint);
// the start's seed is the checkpoint's, its iterate is in the run's internal
// scale (io/checkpoint.hpp). Collective over grid.all().
template <typename T>
BestOfRestarts<T> resume_run(const ProcessGrid& grid, const Distribution& dist,
                             const DataBlock<T>& v_block, const MatrixStatistics& stats,
                             const FactorizeOptions& options, const ProgressPrinter& printer,
                             const DriverControl<T>& control, const std::string& checkpoint,
                             std::uint64_t seed, const comm::InputOrder& order) {
  BestOfRestarts<T> run;
  run.init_seconds = MPI_Wtime();
  perf::PhaseClock init_clock(perf::Phase::kInit);
  auto [w_own, ht_own] = read_factors_file<T>(grid, dist, checkpoint, options.rank);
  comm::reorder_factors(grid, dist, order, comm::OrderDirection::kToInternal, w_own, ht_own);
  init_clock.stop();
  run.init_seconds = MPI_Wtime() - run.init_seconds;
  comm::allreduce_max(grid.all(), &run.init_seconds, 1);
  run.result = run_alternating_updates<T>(
      grid, dist, v_block, stats, std::move(w_own), std::move(ht_own), options.solver,
      [&](const IterationRecord& record) { printer.iteration(record); }, control);
  run.interrupted = run.result.stop_reason == StopReason::kInterrupted;
  run.seed = static_cast<std::int64_t>(seed);
  run.seeds = {run.seed};
  run.objectives = {run.result.objective};
  return run;
}

}  // namespace gridnmf::cli
