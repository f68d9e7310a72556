#include "gridnmf/local/kl_tile.hpp"

#include <algorithm>
#include <cmath>

#include "gridnmf/local/instruction_set.hpp"

namespace gridnmf::local {

#ifdef GRIDNMF_HASWELL_KERNELS
namespace haswell {
void kl_quotient_row(const double* v, double* y, std::int64_t n);
void kl_quotient_row(const float* v, float* y, std::int64_t n);
BlockSums kl_quotient_row_with_sums(const double* v, double* y, std::int64_t n);
BlockSums kl_quotient_row_with_sums(const float* v, float* y, std::int64_t n);
}  // namespace haswell
#endif

namespace {

template <typename T>
void quotient_row(const T* v, T* y, std::int64_t n) {
  for (std::int64_t c = 0; c < n; ++c) y[c] = v[c] / std::max(y[c], beta_floor<T>());
}

template <typename T>
BlockSums quotient_row_with_sums(const T* v, T* y, std::int64_t n) {
  BlockSums sums;
  for (std::int64_t c = 0; c < n; ++c) {
    const T vv = v[c];
    const T floored = std::max(y[c], beta_floor<T>());
    const T ratio = vv / floored;
    const double e = static_cast<double>(vv) - y[c];
    sums.squared_error += e * e;
    sums.divergence += static_cast<double>(floored) - vv;
    // Zeros of V add only y: 0 log 0 = 0.
    if (vv > T(0)) sums.divergence += static_cast<double>(vv) * std::log(ratio);
    y[c] = ratio;
  }
  return sums;
}

}  // namespace

template <typename T>
void kl_quotient(const T* v, std::int64_t ldv, T* y, std::int64_t tr, std::int64_t tc) {
#ifdef GRIDNMF_HASWELL_KERNELS
  if (use_haswell_kernels()) {
    for (std::int64_t r = 0; r < tr; ++r) haswell::kl_quotient_row(v + r * ldv, y + r * tc, tc);
    return;
  }
#endif
  for (std::int64_t r = 0; r < tr; ++r) quotient_row(v + r * ldv, y + r * tc, tc);
}

template <typename T>
BlockSums kl_quotient_with_sums(const T* v, std::int64_t ldv, T* y, std::int64_t tr,
                                std::int64_t tc) {
  BlockSums sums;
  for (std::int64_t r = 0; r < tr; ++r) {
#ifdef GRIDNMF_HASWELL_KERNELS
    const BlockSums row = use_haswell_kernels()
                              ? haswell::kl_quotient_row_with_sums(v + r * ldv, y + r * tc, tc)
                              : quotient_row_with_sums(v + r * ldv, y + r * tc, tc);
#else
    const BlockSums row = quotient_row_with_sums(v + r * ldv, y + r * tc, tc);
#endif
    sums.divergence += row.divergence;
    sums.squared_error += row.squared_error;
  }
  return sums;
}

template void kl_quotient<double>(const double*, std::int64_t, double*, std::int64_t,
                                  std::int64_t);
template void kl_quotient<float>(const float*, std::int64_t, float*, std::int64_t, std::int64_t);
template BlockSums kl_quotient_with_sums<double>(const double*, std::int64_t, double*,
                                                 std::int64_t, std::int64_t);
template BlockSums kl_quotient_with_sums<float>(const float*, std::int64_t, float*, std::int64_t,
                                                std::int64_t);

}  // namespace gridnmf::local
