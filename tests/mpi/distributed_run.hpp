#pragma once

// Runs the distributed MU on a synthetic problem held only as per-rank blocks,
// and the serial reference on the same whole matrices.
#include <vector>

#include "distributed_helpers.hpp"
#include "gridnmf/algorithms/alternating_driver.hpp"
#include "gridnmf/generate/synthetic_matrix.hpp"
#include "gridnmf/init/random_init.hpp"

namespace gridnmf::testing {

struct WholeRun {
  reference::Dense w;
  reference::Dense h;
  std::vector<double> errors;  // relative error after each iteration
};

// The random start for `problem` with rank k, as the CLI scales it.
inline double start_scale(const SyntheticProblem& problem) {
  const LocalMatrix<double> v =
      synthetic_block<double>(problem, {0, problem.rows}, {0, problem.cols});
  double sum = 0.0;
  for (double x : v.values) sum += x;
  return random_init_scale(sum / static_cast<double>(v.size()), problem.rank);
}

// Distributed MU on `comm` with the given grid; fixed iteration count.
template <typename T>
WholeRun run_distributed(MPI_Comm comm, GridShape shape, const SyntheticProblem& problem,
                         std::uint64_t seed, int iterations) {
  const ProcessGrid grid(comm, shape);
  const Distribution dist(problem.rows, problem.cols, shape.rows, shape.cols);
  const LocalMatrix<T> v = synthetic_block<T>(problem, dist.block_rows(grid.row()),
                                              dist.block_cols(grid.col()));
  const double scale = start_scale(problem);
  auto w = random_w_rows<T>(dist.owned_w_rows(grid.row(), grid.col()), problem.rank, seed, scale);
  auto ht = random_ht_cols<T>(dist.owned_h_cols(grid.row(), grid.col()), problem.rank, seed,
                              scale);
  const MatrixStatistics stats = global_statistics(grid, v);
  const Factorization<T> result = run_alternating_updates<T>(
      grid, dist, v, stats, std::move(w), std::move(ht), Algorithm::kMu,
      StoppingRule{iterations, 0.0});
  WholeRun run{assemble_w(grid, dist, result.w_own), assemble_h(grid, dist, result.ht_own), {}};
  for (const IterationRecord& record : result.history) run.errors.push_back(record.relative_error);
  return run;
}

// The serial reference from the same start.
inline WholeRun run_reference(const SyntheticProblem& problem, std::uint64_t seed,
                              int iterations) {
  const LocalMatrix<double> v_local =
      synthetic_block<double>(problem, {0, problem.rows}, {0, problem.cols});
  reference::Dense v(problem.rows, problem.cols);
  v.v = v_local.values;
  const double scale = start_scale(problem);
  const auto w0 = random_w_rows<double>({0, problem.rows}, problem.rank, seed, scale);
  const auto ht0 = random_ht_cols<double>({0, problem.cols}, problem.rank, seed, scale);
  WholeRun run{reference::Dense(problem.rows, problem.rank),
               reference::Dense(problem.rank, problem.cols), {}};
  run.w.v = w0.values;
  run.h = reference::transpose([&] {
    reference::Dense ht(problem.cols, problem.rank);
    ht.v = ht0.values;
    return ht;
  }());
  for (int it = 0; it < iterations; ++it) {
    reference::mu_iteration(v, run.w, run.h);
    run.errors.push_back(reference::relative_error(v, run.w, run.h));
  }
  return run;
}

}  // namespace gridnmf::testing
