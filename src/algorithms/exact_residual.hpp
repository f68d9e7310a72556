#pragma once

// The Frobenius residual ||V - WH||^2 where the Gram identity has lost its
// digits. Private to algorithms/.
#include <cstdint>

#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/data_block.hpp"
#include "gridnmf/matrix/distribution.hpp"

namespace gridnmf {

// The identity's value (a difference of terms of size ||V||^2, each rounded
// in T) carries an error of a few eps(T) ||V||^2; below this share of
// ||V||^2 it is recomputed by a pass over V. 1e-12 in double (relative error
// 1e-6, a hundred times its floor of about 1e-8); 1e-5 in float (3e-3,
// about ten times the floor of 3e-4), whose products are rounded in float.
template <typename T>
constexpr double identity_accuracy_floor();
template <>
constexpr double identity_accuracy_floor<double>() {
  return 1e-12;
}
template <>
constexpr double identity_accuracy_floor<float>() {
  return 1e-5;
}

// The recomputation. Dense V: every entry of V - W_i H_j summed in tiles
// (local/exact_residual.hpp). Sparse V: the same tile pass over the block,
// zeros included, when V holds at least one nonzero in kDirectDensity
// entries, so the pass costs at most that many times a sparse product;
// otherwise the nonzeros' part exactly and the zeros' part as
// ||WH||^2 - sum over nonzeros of (WH)^2, with ||WH||^2 = <W^T W, H H^T> (a
// sum of non-negative terms, accurate to k eps ||WH||^2, which is then the
// floor of the zeros' part). The choice is made once, on replicated values.
template <typename T>
class ExactResidual {
 public:
  static constexpr std::int64_t kDirectDensity = 64;

  // Collective over grid.all() when v is sparse (one allreduce of its nonzeros).
  ExactResidual(const ProcessGrid& grid, const Distribution& dist, const DataBlock<T>& v);

  // ||V - WH||^2 over all ranks from this rank's gathered W_i (rows x k) and
  // H_j^T (cols x k); fitted_norm_squared is <W^T W, H H^T>. Collective over
  // grid.all().
  double operator()(const T* w_i, const T* ht_j, std::int64_t k,
                    double fitted_norm_squared) const;

 private:
  const ProcessGrid& grid_;
  const DataBlock<T>& v_;
  bool direct_ = true;
};

}  // namespace gridnmf
