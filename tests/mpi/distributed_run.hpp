#pragma once

// Runs the distributed driver on a synthetic problem held only as per-rank
// blocks, and the serial reference on the same whole matrices.
#include <stdexcept>
#include <vector>

#include "distributed_helpers.hpp"
#include "gridnmf/algorithms/alternating_driver.hpp"
#include "gridnmf/generate/synthetic_matrix.hpp"
#include "gridnmf/init/random_init.hpp"
#include "gridnmf/local/beta_divergence.hpp"

namespace gridnmf::testing {

struct WholeRun {
  reference::Dense w;
  reference::Dense h;
  std::vector<double> errors;      // relative error after each evaluated iteration
  std::vector<double> objectives;  // objective after each evaluated iteration
  StopReason stop = StopReason::kMaxIterations;
  std::vector<int> iterations;  // which iterations those are
  int final_iteration = 0;      // the iteration of the returned iterate
};

// Settings that run exactly `iterations` iterations of `algorithm`.
inline SolverSettings fixed_iterations(Algorithm algorithm, int iterations) {
  SolverSettings settings;
  settings.algorithm = algorithm;
  settings.stopping = StoppingRule{iterations, 0.0, 0.0, 0.0};
  return settings;
}

// The random start for `problem` with rank k, as the CLI scales it.
inline double start_scale(const SyntheticProblem& problem) {
  const DataBlock<double> v(synthetic_block<double>(problem, {0, problem.rows}, {0, problem.cols}));
  double sum = 0.0;
  for (double x : v.dense().values) sum += x;
  return random_init_scale(sum / static_cast<double>(v.dense().size()), problem.rank);
}

// The distributed driver on `comm` with the given grid.
template <typename T>
WholeRun run_distributed(MPI_Comm comm, GridShape shape, const SyntheticProblem& problem,
                         std::uint64_t seed, const SolverSettings& settings) {
  const ProcessGrid grid(comm, shape);
  const Distribution dist(problem.rows, problem.cols, shape.rows, shape.cols);
  const DataBlock<T> v(synthetic_block<T>(problem, dist.block_rows(grid.row()),
                                              dist.block_cols(grid.col())));
  const double scale = start_scale(problem);
  auto w = random_w_rows<T>(dist.owned_w_rows(grid.row(), grid.col()), problem.rank, seed, scale);
  auto ht = random_ht_cols<T>(dist.owned_h_cols(grid.row(), grid.col()), problem.rank, seed,
                              scale);
  const MatrixStatistics stats = global_statistics(grid, v);
  const Factorization<T> result = run_alternating_updates<T>(
      grid, dist, v, stats, std::move(w), std::move(ht), settings);
  WholeRun run{assemble_w(grid, dist, result.w_own), assemble_h(grid, dist, result.ht_own), {}, {},
               result.stop_reason};
  for (const IterationRecord& record : result.history) {
    run.errors.push_back(record.relative_error);
    run.objectives.push_back(record.objective);
    run.iterations.push_back(record.iteration);
  }
  run.final_iteration = result.iterations;
  return run;
}

// Fixed iteration count of distributed MU, the most common case in tests.
template <typename T>
WholeRun run_distributed(MPI_Comm comm, GridShape shape, const SyntheticProblem& problem,
                         std::uint64_t seed, int iterations) {
  return run_distributed<T>(comm, shape, problem, seed, fixed_iterations(Algorithm::kMu, iterations));
}

// The serial reference from the same start, for a fixed number of iterations.
inline WholeRun run_reference(const SyntheticProblem& problem, std::uint64_t seed,
                              const SolverSettings& settings) {
  const LocalMatrix<double> v_local = synthetic_block<double>(problem, {0, problem.rows}, {0, problem.cols});
  reference::Dense v(problem.rows, problem.cols);
  v.v = v_local.values;
  const double scale = start_scale(problem);
  const auto w0 = random_w_rows<double>({0, problem.rows}, problem.rank, seed, scale);
  const auto ht0 = random_ht_cols<double>({0, problem.cols}, problem.rank, seed, scale);
  WholeRun run{reference::Dense(problem.rows, problem.rank),
               reference::Dense(problem.rank, problem.cols), {}, {}, StopReason::kMaxIterations};
  run.w.v = w0.values;
  reference::Dense ht(problem.cols, problem.rank);
  ht.v = ht0.values;
  run.h = reference::transpose(ht);
  const reference::Penalty pw{settings.penalty_w.l1, settings.penalty_w.l2};
  const reference::Penalty ph{settings.penalty_h.l1, settings.penalty_h.l2};
  const double beta = settings.loss.beta;
  const double floor = local::beta_floor<double>();
  const auto beta_mu = [&](const reference::Dense& a, const reference::Dense& b,
                           reference::Dense& c, reference::Penalty p) {
    reference::beta_mu_update_h(a, b, c, p, beta, floor);
  };
  for (int it = 0; it < settings.stopping.max_iterations; ++it) {
    if (!settings.loss.is_frobenius()) {
      reference::iteration(v, run.w, run.h, pw, ph, beta_mu);
    } else if (settings.algorithm == Algorithm::kMu) {
      reference::iteration(v, run.w, run.h, pw, ph, reference::mu_update_h);
    } else if (settings.algorithm == Algorithm::kHals) {
      reference::iteration(v, run.w, run.h, pw, ph, reference::hals_update_h);
    } else if (settings.algorithm == Algorithm::kBpp) {
      reference::iteration(v, run.w, run.h, pw, ph, reference::nnls_update_h);
    } else {
      throw std::logic_error("no serial reference for " + to_string(settings.algorithm));
    }
    run.errors.push_back(reference::relative_error(v, run.w, run.h));
    run.objectives.push_back(settings.loss.is_frobenius()
                                 ? reference::objective(v, run.w, run.h, pw, ph)
                                 : reference::beta_objective(v, run.w, run.h, pw, ph, beta, floor));
  }
  return run;
}

inline WholeRun run_reference(const SyntheticProblem& problem, std::uint64_t seed, int iterations) {
  return run_reference(problem, seed, fixed_iterations(Algorithm::kMu, iterations));
}

}  // namespace gridnmf::testing
