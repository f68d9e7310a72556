#pragma once

#include <cstdint>

namespace gridnmf::local {

// The L1/2 sparsity term of Qian et al. (2011, IEEE TGRS 49(11)) on the
// abundances, smoothed at 0 so it stays differentiable:
//   s(H) = sum (sqrt(h + eps) - sqrt(eps)),   eps = kHalfNormEpsilon.
// s is concave, so its tangent at the current H0 majorizes it:
//   s(H) <= s(H0) + sum (h - h0) / (2 sqrt(h0 + eps)),
// and minimising 0.5 ||V - W H||^2 + lambda s(H) over H is, for one H half,
// an L1 problem with per-entry weights lambda / (2 sqrt(h0 + eps)): any rule
// that does not increase that (HALS, exact NNLS) does not increase the L1/2
// objective either. Abundances are on the scale of 1 (sum-to-one), so eps
// is a fixed small constant; it caps the pull on zeros at about 50 lambda.
constexpr double kHalfNormEpsilon = 1e-4;

// s(X) over `count` entries, accumulated in double.
template <typename T>
double half_norm_sum(const T* x, std::int64_t count);

// cross -= lambda / (2 sqrt(x + eps)) entrywise: the tangent's weights,
// taken from the current factor x (both `count` entries, same layout).
template <typename T>
void subtract_half_norm_tangent(const T* x, T* cross, std::int64_t count, double lambda);

}  // namespace gridnmf::local
