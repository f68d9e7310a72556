#include "gridnmf/algorithms/convergence_monitor.hpp"

#include <cmath>

namespace gridnmf {

std::string to_string(StopReason reason) {
  switch (reason) {
    case StopReason::kMaxIterations: return "max_iterations";
    case StopReason::kTolerance: return "tolerance";
    case StopReason::kProjectedGradient: return "projected_gradient";
    case StopReason::kTimeLimit: return "time_limit";
    case StopReason::kInterrupted: return "interrupted";
  }
  return "unknown";
}

bool is_converged(StopReason reason) {
  return reason == StopReason::kTolerance || reason == StopReason::kProjectedGradient;
}

std::optional<StopReason> ConvergenceMonitor::after_iteration(int iteration, double objective,
                                                              bool past_time_limit,
                                                              double previous_pg_norm,
                                                              int iterations_since_previous) {
  std::optional<StopReason> stop;
  if (rule_.tolerance > 0 && iteration > 1 &&
      (objective == 0.0 || std::abs(previous_objective_ - objective) / objective /
                                   iterations_since_previous <
                               rule_.tolerance)) {
    stop = StopReason::kTolerance;
  } else if (rule_.pg_tolerance > 0 && iteration > 1 &&
             previous_pg_norm <= rule_.pg_tolerance * initial_pg_) {
    stop = StopReason::kProjectedGradient;
  } else {
    stop = limits_reached(iteration, past_time_limit);
  }
  previous_objective_ = objective;
  return stop;
}

std::optional<StopReason> ConvergenceMonitor::limits_reached(int iteration,
                                                             bool past_time_limit) const {
  if (past_time_limit) return StopReason::kTimeLimit;
  if (iteration >= rule_.max_iterations) return StopReason::kMaxIterations;
  return std::nullopt;
}

}  // namespace gridnmf
