#pragma once

#include <optional>
#include <string>

#include "gridnmf/algorithms/solver_settings.hpp"

namespace gridnmf {

// Which rule ended a run.
enum class StopReason { kMaxIterations, kTolerance, kProjectedGradient, kTimeLimit };
// "max_iterations", "tolerance", "projected_gradient", "time_limit".
std::string to_string(StopReason reason);
// The tolerance rules mean convergence; the iteration and time limits do not.
bool is_converged(StopReason reason);

// Applies a StoppingRule to replicated per-iteration values, so every rank
// stops at the same iteration without further communication.
class ConvergenceMonitor {
 public:
  explicit ConvergenceMonitor(const StoppingRule& rule) : rule_(rule) {}

  // The projected-gradient norm of the starting point, the scale of pg_tolerance.
  void set_initial_projected_gradient(double norm) { initial_pg_ = norm; }

  // Called after every iteration with the objective of the new iterate,
  // whether any rank is past the time limit, and the projected-gradient norm
  // of the previous iterate (ignored unless pg_tolerance is set). Returns the
  // reason to stop now, if any.
  std::optional<StopReason> after_iteration(int iteration, double objective,
                                            bool past_time_limit, double previous_pg_norm);

 private:
  StoppingRule rule_;
  double previous_objective_ = 0.0;
  double initial_pg_ = 0.0;
};

}  // namespace gridnmf
