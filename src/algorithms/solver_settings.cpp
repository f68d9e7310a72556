#include "gridnmf/algorithms/solver_settings.hpp"

#include "gridnmf/error.hpp"

namespace gridnmf {

void SolverSettings::validate() const {
  if (!loss.is_frobenius() && algorithm != Algorithm::kMu) {
    throw UsageError("--algorithm " + to_string(algorithm) + " supports only --loss frobenius; use " +
                     "--algorithm mu for --loss " + to_string(loss));
  }
  for (const double value : {penalty_w.l1, penalty_w.l2, penalty_h.l1, penalty_h.l2}) {
    if (!(value >= 0.0)) throw UsageError("--l1-w, --l2-w, --l1-h and --l2-h must be >= 0");
  }
  if (stopping.max_iterations < 1) throw UsageError("--max-iter must be at least 1");
  if (!(stopping.tolerance >= 0.0)) throw UsageError("--tol must be >= 0");
  if (!(stopping.time_limit_seconds >= 0.0)) throw UsageError("--time-limit must be >= 0");
  if (!(stopping.pg_tolerance >= 0.0)) throw UsageError("--pg-tol must be >= 0");
  if (stopping.pg_tolerance > 0.0 && !loss.is_frobenius()) {
    throw UsageError("--pg-tol is defined for --loss frobenius only");
  }
}

}  // namespace gridnmf
