#include "gridnmf/algorithms/solver_settings.hpp"

#include <cmath>

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
  const UnmixingTerms& terms = unmixing;
  if (!(terms.sum_to_one_weight >= 0.0) || !std::isfinite(terms.sum_to_one_weight)) {
    throw UsageError("--sum-to-one must be a finite number >= 0");
  }
  if (!(terms.volume_weight >= 0.0) || !std::isfinite(terms.volume_weight)) {
    throw UsageError("--volume must be a finite number >= 0");
  }
  if (terms.volume_weight > 0.0 &&
      (!(terms.volume_epsilon > 0.0) || !std::isfinite(terms.volume_epsilon))) {
    throw UsageError("--volume-epsilon must be a finite number > 0 when --volume is used");
  }
  if (terms.active() && !loss.is_frobenius()) {
    throw UsageError("--sum-to-one and --volume are defined for --loss frobenius only");
  }
  if (terms.volume_weight > 0.0 && algorithm == Algorithm::kMu) {
    throw UsageError("--volume needs --algorithm hals or bpp (its Gram correction has "
                     "negative entries, which multiplicative updates cannot take)");
  }
  if (stopping.pg_tolerance > 0.0 && !loss.is_frobenius()) {
    throw UsageError("--pg-tol is defined for --loss frobenius only");
  }
}

}  // namespace gridnmf
