#pragma once

#include <optional>
#include <string>

#include "gridnmf/algorithms/solver_settings.hpp"

namespace gridnmf {

// Which rule ended a run.
// kInterrupted: a stop signal (see DriverControl::stop_requested).
enum class StopReason { kMaxIterations, kTolerance, kProjectedGradient, kTimeLimit, kInterrupted };
// "max_iterations", "tolerance", "projected_gradient", "time_limit", "interrupted".
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
  double initial_projected_gradient() const { return initial_pg_; }
  // The objective the tolerance rule compares the next one with.
  double previous_objective() const { return previous_objective_; }
  // Continues a checkpointed run with the state it had.
  void restore(double previous_objective, double initial_pg) {
    previous_objective_ = previous_objective;
    initial_pg_ = initial_pg;
  }

  // Called after every scheduled evaluation with the objective of the new
  // iterate, whether any rank is past the time limit, and the projected-gradient
  // norm of the previous iterate (ignored unless pg_tolerance is set). A driver
  // that evaluates only every few iterations passes how many iterations lie
  // between this evaluation and the previous one: the tolerance then applies
  // to the mean change per iteration. Returns the reason to stop now, if any.
  std::optional<StopReason> after_iteration(int iteration, double objective,
                                            bool past_time_limit, double previous_pg_norm,
                                            int iterations_since_previous = 1);
  // The rules that need no objective (time and iteration limits), for an
  // evaluation outside the schedule the tolerance compares; the previous
  // objective stays.
  std::optional<StopReason> limits_reached(int iteration, bool past_time_limit) const;

 private:
  StoppingRule rule_;
  double previous_objective_ = 0.0;
  double initial_pg_ = 0.0;
};

}  // namespace gridnmf
