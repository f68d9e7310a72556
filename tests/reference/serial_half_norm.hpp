#pragma once

// Serial oracle for the L1/2 sparsity term: the H half written out per
// entry (tangent weights from the current H, then a plain HALS sweep or an
// exhaustive NNLS per column on [V; delta 1^T] ~ [W; delta 1^T] H), the W
// half as in serial_unmixing.hpp.
#include <cmath>

#include "gridnmf/local/half_norm.hpp"
#include "serial_unmixing.hpp"

namespace gridnmf::reference {

// lambda / (2 sqrt(h + eps)) for every entry of H.
inline Dense half_norm_slopes(const Dense& h, double lambda) {
  Dense s(h.rows, h.cols);
  for (size_t i = 0; i < h.v.size(); ++i) {
    s.v[i] = 0.5 * lambda / std::sqrt(h.v[i] + local::kHalfNormEpsilon);
  }
  return s;
}

inline void half_norm_hals_h(const Dense& v, const Dense& w, Dense& h, double lambda) {
  const Dense slopes = half_norm_slopes(h, lambda);
  const Dense wt = transpose(w);
  const Dense c = multiply(wt, v);
  const Dense g = multiply(wt, w);
  for (std::int64_t l = 0; l < h.rows; ++l) {
    for (std::int64_t j = 0; j < h.cols; ++j) {
      double gh = 0.0;
      for (std::int64_t q = 0; q < h.rows; ++q) gh += g(l, q) * h(q, j);
      h(l, j) = std::max(0.0, h(l, j) + (c(l, j) - slopes(l, j) - gh) / g(l, l));
    }
  }
}

inline void half_norm_nnls_h(const Dense& v, const Dense& w, Dense& h, double lambda) {
  const Dense slopes = half_norm_slopes(h, lambda);
  const Dense wt = transpose(w);
  const Dense g = multiply(wt, w);
  const Dense c = multiply(wt, v);
  for (std::int64_t j = 0; j < h.cols; ++j) {
    std::vector<double> rhs(static_cast<size_t>(h.rows));
    for (std::int64_t l = 0; l < h.rows; ++l) rhs[l] = c(l, j) - slopes(l, j);
    const std::vector<double> x = nnls_exhaustive(g, rhs);
    for (std::int64_t l = 0; l < h.rows; ++l) h(l, j) = x[l];
  }
}

// One iteration with the L1/2 weight lambda and the other unmixing terms:
// unmixing_iteration calls the update for the H half first (with the
// tangent's slopes here), then for the W half (plain: lambda 0).
template <typename HalfNormUpdate>
void half_norm_iteration(const Dense& v, Dense& w, Dense& h, const UnmixingReference& terms,
                         double lambda, HalfNormUpdate update) {
  bool h_half = true;
  unmixing_iteration(v, w, h, terms, [&](const Dense& a, const Dense& b, Dense& x, Penalty) {
    update(a, b, x, h_half ? lambda : 0.0);
    h_half = false;
  });
}

// The unmixing objective plus lambda sum (sqrt(h + eps) - sqrt(eps)).
inline double half_norm_objective(const Dense& v, const Dense& w, const Dense& h,
                                  const UnmixingReference& terms, double lambda) {
  double value = unmixing_objective(v, w, h, terms);
  for (double x : h.v) {
    value += lambda * (std::sqrt(x + local::kHalfNormEpsilon) - std::sqrt(local::kHalfNormEpsilon));
  }
  return value;
}

}  // namespace gridnmf::reference
