#pragma once

#include <cstdint>

#include "gridnmf/algorithms/alternating_driver.hpp"
#include "gridnmf/algorithms/solver_settings.hpp"

namespace gridnmf {

// V held as V * 2^exponent, so that data near 1e-300, denormals or 1e300
// neither underflow to W = H = 0 nor overflow in ||V||^2 and the products.
// A power of two is exact: scaling V and undoing it on W and H changes no
// digit. exponent is even and 0 for data in the ordinary range, so ordinary
// runs are untouched. The result's W is the internal W * 2^-w_exponent and
// its H the internal H * 2^-h_exponent (w_exponent + h_exponent = exponent).
struct InputScale {
  int exponent = 0;
  int w_exponent = 0;
  int h_exponent = 0;
  bool scaled() const { return exponent != 0; }
};

// How the scale is split between the factors: factorize splits it evenly (the
// random and NNDSVD starts scale with sqrt(V), so the scaled run is the
// unscaled one times 2^(exponent/2) in each factor); unmix puts it all on W
// (the abundances H sum to one whatever V's scale).
enum class ScaleSplit { kEven, kAllOnW };

// The scale of this V: from max |V| over all ranks (replicated, so every
// rank, any grid and a resumed run agree), 0 when max |V| is within
// [2^-kRange, 2^kRange] of the precision T, else the even exponent that
// brings max |V| into [0.5, 2). Collective over grid.all().
template <typename T>
InputScale choose_input_scale(const ProcessGrid& grid, const DataBlock<T>& v_block,
                              ScaleSplit split);

// The same problem on the scaled data: the penalties change so that the
// scaled objective is 2^(beta exponent) times the original one. UsageError if
// a penalty does not fit the data's scale. Pure.
SolverSettings scaled_settings(const SolverSettings& settings, const InputScale& scale);

// Factors read in the original scale (--init file:) to the internal scale.
template <typename T>
void scale_factors(LocalMatrix<T>& w_own, LocalMatrix<T>& ht_own, const InputScale& scale);

// A run's result back to the original scale: W, H, the objective and its
// history (relative errors do not change). Local, exact unless a value
// leaves the range of T.
template <typename T>
void unscale_result(Factorization<T>& result, const InputScale& scale, const Loss& loss);

// An objective of the scaled problem in the original scale. Pure.
double unscaled_objective(double objective, const InputScale& scale, const Loss& loss);

}  // namespace gridnmf
