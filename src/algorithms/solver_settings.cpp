#include "gridnmf/algorithms/solver_settings.hpp"

#include <cmath>
#include <string>
#include <utility>

#include "gridnmf/error.hpp"

namespace gridnmf {

void SolverSettings::validate() const {
  if (!loss.is_frobenius() && algorithm != Algorithm::kMu) {
    throw UsageError("--algorithm " + to_string(algorithm) + " supports only --loss frobenius; use " +
                     "--algorithm mu for --loss " + to_string(loss));
  }
  const std::pair<const char*, double> non_negative[] = {
      {"--l1-w", penalty_w.l1}, {"--l2-w", penalty_w.l2},
      {"--l1-h", penalty_h.l1}, {"--l2-h", penalty_h.l2},
      {"--tol", stopping.tolerance}, {"--time-limit", stopping.time_limit_seconds},
      {"--pg-tol", stopping.pg_tolerance}};
  for (const auto& [option, value] : non_negative) {
    if (!(value >= 0.0) || !std::isfinite(value)) {
      throw UsageError(std::string(option) + " must be >= 0 and finite");
    }
  }
  if (stopping.max_iterations < 1) throw UsageError("--max-iter must be at least 1");
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
  if (!(terms.half_norm_weight >= 0.0) || !std::isfinite(terms.half_norm_weight)) {
    throw UsageError("--sparsity must be a finite number >= 0");
  }
  if (terms.half_norm_weight > 0.0 && algorithm == Algorithm::kMu) {
    throw UsageError("--sparsity needs --algorithm hals or bpp (its majorizer subtracts "
                     "per-entry weights from W^T V, which multiplicative updates cannot take)");
  }
  if (terms.active() && !loss.is_frobenius()) {
    throw UsageError("--sum-to-one and --volume are defined for --loss frobenius only");
  }
  if (terms.volume_weight > 0.0 && algorithm == Algorithm::kMu) {
    throw UsageError("--volume needs --algorithm hals or bpp (its Gram correction has "
                     "negative entries, which multiplicative updates cannot take)");
  }
  if (fix_w && terms.active()) {
    throw UsageError("--fix-w cannot be combined with the unmixing terms (they act on W)");
  }
  validate_sparseness();
  if (stopping.pg_tolerance > 0.0 && !loss.is_frobenius()) {
    throw UsageError("--pg-tol is defined for --loss frobenius only");
  }
  validate_mask();
}

void SolverSettings::validate_mask() const {
  if (!(mask.holdout_fraction >= 0.0 && mask.holdout_fraction <= 0.5)) {
    throw UsageError("--holdout must be a fraction between 0 and 0.5");
  }
  if (!mask.active()) return;
  const std::string why = mask.missing_entries ? "--missing nan" : "--holdout";
  if (!loss.is_frobenius() && loss.beta != 1.0) {
    throw UsageError(why + " supports --loss frobenius and kullback-leibler only");
  }
  if (unmixing.active()) {
    throw UsageError(why + " cannot be combined with the unmixing terms");
  }
  if (fix_w) throw UsageError(why + " cannot be combined with --fix-w");
  if (sparseness.active()) {
    throw UsageError(why + " cannot be combined with --sparseness-w/--sparseness-h (the "
                     "sparseness driver has no masked objective)");
  }
  if (stopping.pg_tolerance > 0.0) {
    throw UsageError(why + " cannot be combined with --pg-tol (use --tol)");
  }
}

void SolverSettings::validate_sparseness() const {
  const std::pair<const char*, double> targets[] = {{"--sparseness-w", sparseness.w},
                                                    {"--sparseness-h", sparseness.h}};
  for (const auto& [option, value] : targets) {
    if (!(value >= 0.0 && value < 1.0)) {
      throw UsageError(std::string(option) + " must be in (0, 1) (0 turns it off)");
    }
  }
  if (!sparseness.active()) return;
  // Where Hoyer's projected gradient does not apply: its step and objective
  // are those of 0.5 ||V - WH||^2 alone.
  if (!loss.is_frobenius()) {
    throw UsageError("--sparseness-w/--sparseness-h support only --loss frobenius (the "
                     "projected gradient step is that of the squared error)");
  }
  if (penalty_w.l1 > 0 || penalty_w.l2 > 0 || penalty_h.l1 > 0 || penalty_h.l2 > 0) {
    throw UsageError("--sparseness-w/--sparseness-h cannot be combined with --l1-*/--l2-* "
                     "(the constraint already sets the sparseness)");
  }
  if (unmixing.active()) {
    throw UsageError("--sparseness-w/--sparseness-h cannot be combined with the unmixing terms");
  }
  if (fix_w) {
    throw UsageError("--sparseness-w/--sparseness-h cannot be combined with --fix-w "
                     "(H rows are rescaled into W)");
  }
  if (stopping.pg_tolerance > 0.0) {
    throw UsageError("--pg-tol is not defined with --sparseness-w/--sparseness-h (the "
                     "constraint set is not the non-negative orthant); use --tol");
  }
}

}  // namespace gridnmf
