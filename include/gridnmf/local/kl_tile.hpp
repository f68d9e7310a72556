#pragma once

#include <cstdint>

#include "gridnmf/local/beta_divergence.hpp"

namespace gridnmf::local {

// The elementwise step of Kullback-Leibler MU on one tile: y (tr x tc, dense)
// holds W H on entry and V ./ max(W H, beta_floor) on return; v is the V tile
// with leading dimension ldv. AVX2 cores divide four (float: eight) entries
// at a time; elsewhere plain loops. The quotient rounds the same either way.
template <typename T>
void kl_quotient(const T* v, std::int64_t ldv, T* y, std::int64_t tr, std::int64_t tc);

// The same, also returning the tile's sums: divergence sum of
// v log(v / y_f) - v + y_f (y_f the floored W H, 0 log 0 = 0) and squared
// error sum of (v - W H)^2. With AVX2 and glibc's vector math library the
// logarithms are taken four (eight) at a time, within 4 ulp of std::log.
template <typename T>
BlockSums kl_quotient_with_sums(const T* v, std::int64_t ldv, T* y, std::int64_t tr,
                                std::int64_t tc);

}  // namespace gridnmf::local
