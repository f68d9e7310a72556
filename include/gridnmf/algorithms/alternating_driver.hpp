#pragma once

#include <functional>
#include <string>
#include <vector>

#include "gridnmf/algorithms/algorithm.hpp"
#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf {

// When to stop the alternating iteration.
struct StoppingRule {
  int max_iterations = 200;
  // Stop once (previous error - error) / error < tolerance; 0 disables.
  double tolerance = 1e-4;
};

// Which rule ended a run.
enum class StopReason { kMaxIterations, kTolerance };
std::string to_string(StopReason reason);

// One line of the convergence history.
struct IterationRecord {
  int iteration = 0;
  double relative_error = 0.0;  // ||V - WH||_F / ||V||_F
  double seconds = 0.0;         // since the first iteration started
};

// What a rank holds after a factorization: its own pieces of W and H^T.
template <typename T>
struct Factorization {
  LocalMatrix<T> w_own;   // owned rows of W, rows x k
  LocalMatrix<T> ht_own;  // owned columns of H, stored as columns x k
  int iterations = 0;
  double relative_error = 0.0;
  double objective = 0.0;  // 0.5 * ||V - WH||_F^2
  StopReason stop_reason = StopReason::kMaxIterations;
  double seconds = 0.0;  // time in the iteration loop
  std::vector<IterationRecord> history;
  bool converged() const { return stop_reason == StopReason::kTolerance; }
};

// Sum and sum of squares of V over all ranks. Collective over grid.all().
struct MatrixStatistics {
  double sum = 0.0;
  double sum_of_squares = 0.0;
};
template <typename T>
MatrixStatistics global_statistics(const ProcessGrid& grid, const LocalMatrix<T>& v_block);

using ProgressCallback = std::function<void(const IterationRecord&)>;

// Runs alternating updates (H half, then W half) from the given owned pieces
// until `stopping` says so. v_block is this rank's V_ij (never copied);
// w_own / ht_own are the rank's pieces as laid out by `dist`. The relative error
// comes from the Gram identity; no W*H is formed. `progress` is called on every
// rank after every iteration. Collective over grid.all(); throws Error on every
// rank if the error becomes non-finite.
template <typename T>
Factorization<T> run_alternating_updates(const ProcessGrid& grid, const Distribution& dist,
                                         const LocalMatrix<T>& v_block,
                                         const MatrixStatistics& v_stats,
                                         LocalMatrix<T> w_own, LocalMatrix<T> ht_own,
                                         Algorithm algorithm, const StoppingRule& stopping,
                                         const ProgressCallback& progress = {});

// Flops counted per iteration (the two large GEMMs): 4 m n k.
double flops_per_iteration(const Distribution& dist, std::int64_t k);

}  // namespace gridnmf
