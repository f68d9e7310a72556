#include "gridnmf/algorithms/data_scale.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"

namespace gridnmf {

namespace {

// Data whose largest entry is within 2^-range .. 2^range is left as it is.
// The limits keep V^2 summed over a block, the Gram matrices and the floors of
// the updates (1e-16 in double, 1e-12 in float) clear of the type's range.
template <typename T>
constexpr int ordinary_range();
template <>
constexpr int ordinary_range<double>() {
  return 40;
}
template <>
constexpr int ordinary_range<float>() {
  return 20;
}

template <typename T>
void scale_values(LocalMatrix<T>& x, int exponent) {
  if (exponent == 0) return;
  for (T& value : x.values) value = std::ldexp(value, exponent);
}

}  // namespace

template <typename T>
InputScale choose_input_scale(const ProcessGrid& grid, const DataBlock<T>& v_block,
                              ScaleSplit split) {
  double largest = 0.0;
  for (const T value : v_block.stored_values()) {
    largest = std::max(largest, static_cast<double>(std::abs(value)));
  }
  comm::allreduce_max(grid.all(), &largest, 1);
  InputScale scale;
  const int range = ordinary_range<T>();
  if (largest == 0.0 || !std::isfinite(largest) ||
      (largest >= std::ldexp(1.0, -range) && largest <= std::ldexp(1.0, range))) {
    return scale;
  }
  int exponent = -std::ilogb(largest);  // largest * 2^exponent in [1, 2)
  if (exponent % 2 != 0) exponent -= 1;  // even, so it splits evenly: [0.5, 1)
  scale.exponent = exponent;
  scale.w_exponent = split == ScaleSplit::kEven ? exponent / 2 : exponent;
  scale.h_exponent = exponent - scale.w_exponent;
  return scale;
}

SolverSettings scaled_settings(const SolverSettings& settings, const InputScale& scale) {
  if (!scale.scaled()) return settings;
  // Objective(s V) with W' = 2^w W and H' = 2^h H is 2^(beta e) times the
  // original; each penalty term must scale alike.
  const double loss_power = settings.loss.beta * scale.exponent;
  SolverSettings scaled = settings;
  const auto factor = [&](double weight, double power) {
    if (weight == 0.0) return 0.0;
    const double value = weight * std::exp2(power);
    if (!std::isfinite(value)) {
      throw UsageError("the penalties do not fit the data's scale (V reaches 2^" +
                       std::to_string(-scale.exponent) +
                       "); rescale the input or drop --l1-w/--l2-w/--l1-h/--l2-h");
    }
    return value;
  };
  scaled.penalty_w.l1 = factor(settings.penalty_w.l1, loss_power - scale.w_exponent);
  scaled.penalty_w.l2 = factor(settings.penalty_w.l2, loss_power - 2.0 * scale.w_exponent);
  scaled.penalty_h.l1 = factor(settings.penalty_h.l1, loss_power - scale.h_exponent);
  scaled.penalty_h.l2 = factor(settings.penalty_h.l2, loss_power - 2.0 * scale.h_exponent);
  return scaled;
}

template <typename T>
void scale_factors(LocalMatrix<T>& w_own, LocalMatrix<T>& ht_own, const InputScale& scale) {
  scale_values(w_own, scale.w_exponent);
  scale_values(ht_own, scale.h_exponent);
}

double unscaled_objective(double objective, const InputScale& scale, const Loss& loss) {
  if (!scale.scaled()) return objective;
  return objective * std::exp2(-loss.beta * scale.exponent);
}

template <typename T>
void unscale_result(Factorization<T>& result, const InputScale& scale, const Loss& loss) {
  if (!scale.scaled()) return;
  scale_values(result.w_own, -scale.w_exponent);
  scale_values(result.ht_own, -scale.h_exponent);
  result.objective = unscaled_objective(result.objective, scale, loss);
  for (IterationRecord& entry : result.history) {
    entry.objective = unscaled_objective(entry.objective, scale, loss);
    entry.divergence = unscaled_objective(entry.divergence, scale, loss);
  }
}

#define GRIDNMF_INSTANTIATE_DATA_SCALE(T)                                                    \
  template InputScale choose_input_scale<T>(const ProcessGrid&, const DataBlock<T>&,        \
                                            ScaleSplit);                                     \
  template void scale_factors<T>(LocalMatrix<T>&, LocalMatrix<T>&, const InputScale&);       \
  template void unscale_result<T>(Factorization<T>&, const InputScale&, const Loss&);
GRIDNMF_INSTANTIATE_DATA_SCALE(double)
GRIDNMF_INSTANTIATE_DATA_SCALE(float)
#undef GRIDNMF_INSTANTIATE_DATA_SCALE

}  // namespace gridnmf
