#pragma once

#include <cstdint>
#include <functional>

#include "gridnmf/algorithms/algorithm.hpp"
#include "gridnmf/algorithms/loss.hpp"

namespace gridnmf {

// Penalty on one factor X added to the objective:
//   l1 * sum(X) + 0.5 * l2 * ||X||_F^2   (X >= 0, so sum(X) = ||X||_1).
// For the X half it adds l2 to the diagonal of the Gram matrix and subtracts
// l1 from the cross product, which is how every update rule applies it.
struct Penalty {
  double l1 = 0.0;
  double l2 = 0.0;
};

// When to stop the alternating iteration. 0 disables a rule.
struct StoppingRule {
  int max_iterations = 200;
  // Stop once |previous objective - objective| / objective < tolerance. The
  // absolute value: an increase within rounding noise (float32) is not progress,
  // and the rules used here never increase the objective otherwise.
  double tolerance = 1e-4;
  // Stop after the first iteration that ends past this many seconds.
  double time_limit_seconds = 0.0;
  // Stop once ||PG(W, H)|| <= pg_tolerance * ||PG(W0, H0)||, PG the projected
  // gradient (Frobenius loss only). Evaluated one iteration late: the check at
  // the end of iteration t uses the iterate of iteration t - 1.
  double pg_tolerance = 0.0;
  // Dense beta-divergence MU evaluates its objective only on some iterations
  // (algorithms/evaluation_schedule.hpp); true evaluates every one (tests
  // that compare each iterate's objective with a reference).
  bool evaluate_every_iteration = false;
};

// Hyperspectral unmixing terms (Frobenius loss only; 0 = off). Absolute
// values on the data's scale: `gridnmf unmix` derives them from V.
//  - sum_to_one_weight delta: appends the row delta * 1^T to V and to W
//    (DESIGN.md section 1), adding 0.5 delta^2 ||1^T H - 1^T||^2 to the
//    objective. The H half sees W^T W + delta^2 1 1^T and W^T V + delta^2;
//    the appended row of W is fixed, so the W half is unchanged.
//  - volume_weight lambda, volume_epsilon epsilon: adds
//    0.5 lambda log det(P W^T W P + epsilon I), P = I - 1 1^T / k (minimum
//    simplex volume, local/simplex_volume.hpp); the W half sees
//    H H^T + lambda P (P W^T W P + epsilon I)^-1 P. Needs hals or bpp.
//  - half_norm_weight lambda: adds lambda sum (sqrt(H + eps) - sqrt(eps))
//    (L1/2 sparsity of the abundances, local/half_norm.hpp); the H half sees
//    W^T V minus the tangent's per-entry weights of the current H.
// All use replicated k x k data or owned H columns only: no extra communication.
struct UnmixingTerms {
  double sum_to_one_weight = 0.0;
  double volume_weight = 0.0;
  double volume_epsilon = 0.0;
  double half_norm_weight = 0.0;
  bool active() const {
    return sum_to_one_weight > 0.0 || volume_weight > 0.0 || half_norm_weight > 0.0;
  }
};

// Hoyer's sparseness constraints (JMLR 2004, "nmfsc"; 0 = off): every column
// of W held at sparseness `w`, every row of H at sparseness `h` exactly, with
// sparseness(x) = (sqrt(n) - ||x||_1 / ||x||_2) / (sqrt(n) - 1). A
// constrained factor takes projected gradient steps whose size is halved
// until the objective does not increase; an unconstrained one takes the
// algorithm's update. Rows of H are kept at unit L2 norm (the scale goes
// into W). Frobenius loss only, without penalties or unmixing terms.
struct SparsenessConstraint {
  double w = 0.0;
  double h = 0.0;
  bool active() const { return w > 0.0 || h > 0.0; }
};

// Entries the objective leaves out (README "Missing values and choosing k").
// Missing entries are marked in the dense V block itself (-0.0, see
// matrix/holdout_mask.hpp); held-out entries are a function of
// (holdout_seed, global row, global column) and are never stored. With
// either, the loss counts the observed entries only and the run goes
// through the masked driver (dense input; mu with Frobenius or KL, hals and
// bpp with Frobenius by EM imputation).
struct MaskSettings {
  bool missing_entries = false;  // --missing nan: the block may hold missing entries
  double holdout_fraction = 0.0;  // --holdout: share of the entries held out, in [0, 0.5]
  std::uint64_t holdout_seed = 0;  // --holdout-seed
  // The input's index of an internal global row / column, and back for
  // columns (sparse input is permuted, see --balance); empty: the identity.
  // The held-out mask is defined on the input's indices.
  std::function<std::int64_t(std::int64_t)> input_row, input_col, internal_col;
  bool active() const { return missing_entries || holdout_fraction > 0.0; }
};

// Everything the alternating driver needs besides the data.
struct SolverSettings {
  Algorithm algorithm = Algorithm::kMu;
  Loss loss;
  Penalty penalty_w;
  Penalty penalty_h;
  StoppingRule stopping;
  UnmixingTerms unmixing;
  SparsenessConstraint sparseness;
  // W stays as given and only H is updated (transform, factorize --fix-w):
  // the W half is skipped and the objective uses <H, W^T V>, which the H
  // half forms anyway.
  bool fix_w = false;
  MaskSettings mask;

  // Throws UsageError naming the options that do not go together (an
  // algorithm without that loss, negative penalties, pg-tol with a
  // non-Frobenius loss). Replicated: the same verdict on every rank.
  void validate() const;

 private:
  void validate_sparseness() const;
  // The part of validate() about `mask`.
  void validate_mask() const;
};

}  // namespace gridnmf
