#pragma once

#include <functional>
#include <optional>
#include <vector>

#include "gridnmf/algorithms/convergence_monitor.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf {

// One line of the convergence history.
struct IterationRecord {
  int iteration = 0;
  double relative_error = 0.0;  // ||V - WH||_F / ||V||_F
  double objective = 0.0;       // the loss plus penalties and unmixing terms
  double seconds = 0.0;         // since the first iteration started
  double divergence = 0.0;      // the loss alone, D(V | WH) (0.5 ||V - WH||^2 for Frobenius)
};

// The driver's state besides the iterate and the history: with it a resumed
// run repeats exactly the floating-point operations of an uninterrupted one.
// Replicated on every rank.
struct OptimizerState {
  double previous_objective = 0.0;   // the convergence monitor's last objective
  double initial_pg_norm = 0.0;      // ||PG(W0, H0)||, the scale of --pg-tol
  double lagged_pg_squared_w = 0.0;  // W part of ||PG||^2 of the last iterate (Frobenius)
  // Step sizes of the projected gradient steps under sparseness constraints
  // (0 until the first step sets them).
  double step_w = 0.0;
  double step_h = 0.0;
};

// Where a resumed run continues from; the iterate itself is the w_own / ht_own
// handed to the driver.
struct ResumeState {
  int iterations = 0;  // completed iterations
  std::vector<IterationRecord> history;
  OptimizerState optimizer;
};

// What the driver shows its hook after an iteration, at a point where every
// value but the owned pieces is replicated.
template <typename T>
struct IterationSnapshot {
  int iteration;     // the iterate w_own / ht_own hold
  double elapsed;    // this run's loop seconds on the ranks' mean clock (replicated)
  std::optional<StopReason> stop;  // set when the run ends after this iteration
  const LocalMatrix<T>& w_own;
  const LocalMatrix<T>& ht_own;
  const std::vector<IterationRecord>& history;
  OptimizerState optimizer;
};

// How the caller steers a run without the algorithms layer doing any I/O: the
// driver asks, cli/ decides and writes.
template <typename T>
struct DriverControl {
  // This rank's vote to stop after the current iteration (a signal arrived).
  // Votes ride on an allreduce the iteration makes anyway, so every rank stops
  // at the same iteration; the run then ends with StopReason::kInterrupted.
  std::function<bool()> stop_requested;
  // Called on every rank after every iteration (after the stopping rules);
  // may run collectives over grid.all(), e.g. a checkpoint write. Drivers
  // that evaluate the objective only on some iterations (EvaluationSchedule)
  // pass the history as of the last evaluated one.
  std::function<void(const IterationSnapshot<T>&)> after_iteration;
  // Continue from a checkpoint instead of iteration 0.
  std::optional<ResumeState> resume;
};

}  // namespace gridnmf
