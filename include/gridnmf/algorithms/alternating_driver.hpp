#pragma once

#include <functional>
#include <string>
#include <vector>

#include "gridnmf/algorithms/convergence_monitor.hpp"
#include "gridnmf/algorithms/driver_control.hpp"
#include "gridnmf/algorithms/solver_settings.hpp"
#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/data_block.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf {

// What a rank holds after a factorization: its own pieces of W and H^T.
template <typename T>
struct Factorization {
  LocalMatrix<T> w_own;   // owned rows of W, rows x k
  LocalMatrix<T> ht_own;  // owned columns of H, stored as columns x k
  int iterations = 0;
  double relative_error = 0.0;
  double objective = 0.0;
  StopReason stop_reason = StopReason::kMaxIterations;
  double seconds = 0.0;  // time in the iteration loop
  std::vector<IterationRecord> history;
  // Masked runs only (SolverSettings::mask): the final iterate's error on the
  // held-out entries, ||V - WH|| / ||V|| over them, and its KL divergence
  // summed over them (KL loss); the entry counts over all ranks.
  double heldout_error = 0.0;
  double heldout_divergence = 0.0;
  double observed_entries = 0.0;
  double heldout_entries = 0.0;
  double missing_entries = 0.0;
  bool converged() const { return is_converged(stop_reason); }
  // Appends an iteration to the history and makes it the latest state.
  void record(const IterationRecord& entry) {
    history.push_back(entry);
    iterations = entry.iteration;
    relative_error = entry.relative_error;
    objective = entry.objective;
  }
  // Starts from the history of the run being resumed.
  void restore(const std::vector<IterationRecord>& earlier) {
    for (const IterationRecord& entry : earlier) record(entry);
  }
};

// Sum and sum of squares of V over all ranks. Collective over grid.all().
struct MatrixStatistics {
  double sum = 0.0;
  double sum_of_squares = 0.0;
};
template <typename T>
MatrixStatistics global_statistics(const ProcessGrid& grid, const DataBlock<T>& v_block);

using ProgressCallback = std::function<void(const IterationRecord&)>;

// Runs alternating updates (H half, then W half) from the given owned pieces
// until settings.stopping says so. v_block is this rank's V_ij, dense or
// sparse (never copied); w_own / ht_own are the rank's pieces as laid out by `dist`. For the
// Frobenius loss the error comes from the Gram identity (no W*H is formed);
// other losses form W_i H_j tile by tile (dense) or at the nonzeros only
// (sparse, KL only: other betas throw UsageError here, and the CLI refuses
// them before the read). `progress` is called on every rank
// after every iteration; `control` adds stop votes, a per-iteration hook and
// resumption (driver_control.hpp). Collective over grid.all(); throws Error on
// every rank if an iterate becomes non-finite, before the hook sees it.
// settings must have passed validate().
template <typename T>
Factorization<T> run_alternating_updates(const ProcessGrid& grid, const Distribution& dist,
                                         const DataBlock<T>& v_block,
                                         const MatrixStatistics& v_stats,
                                         LocalMatrix<T> w_own, LocalMatrix<T> ht_own,
                                         const SolverSettings& settings,
                                         const ProgressCallback& progress = {},
                                         const DriverControl<T>& control = {});

// Flops counted per iteration in the products with V: dense, 4 m n k for the
// Frobenius loss, 8 m n k for KL, 12 m n k for other betas (W_i H_j formed in
// both halves); sparse (nonzeros > 0), 4 nnz k for Frobenius and 8 nnz k for
// KL (a k-dot and a k-axpy per nonzero in each half).
double flops_per_iteration(const Distribution& dist, std::int64_t k, const Loss& loss,
                           std::int64_t nonzeros = 0);

}  // namespace gridnmf
