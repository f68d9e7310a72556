#pragma once

// Serial NNDSVD oracle: scikit-learn's _initialize_nmf('nndsvd*') written out
// in plain loops on the whole matrix, on LAPACK's dgesvd. Test code only.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "gridnmf/init/counter_random.hpp"
#include "serial_svd.hpp"

namespace gridnmf::reference {

enum class Fill { kZeros, kMean, kRandom };  // nndsvd, nndsvda, nndsvdar

struct NndsvdStart {
  Dense w;  // m x k
  Dense h;  // k x n
  // Conditioning of the comparison: the smallest relative gap between the
  // positive and negative part products of pairs 1..k-1 (a tie makes the
  // choice depend on rounding), and the smallest relative distance of an
  // entry from the zero threshold 1e-6.
  double smallest_choice_gap = 1.0;
  double smallest_threshold_gap = 1.0;
};

inline NndsvdStart serial_nndsvd(const Dense& v, std::int64_t k, Fill fill, std::uint64_t seed) {
  const double eps = 1e-6;
  const Svd svd = serial_svd(v);
  NndsvdStart out{Dense(v.rows, k), Dense(k, v.cols)};
  double mean = 0.0;
  for (double x : v.v) mean += x;
  mean /= static_cast<double>(v.v.size());
  for (std::int64_t j = 0; j < k; ++j) {
    const double s = svd.s[j];
    if (j == 0) {
      for (std::int64_t i = 0; i < v.rows; ++i) out.w(i, 0) = std::sqrt(s) * std::abs(svd.u(i, 0));
      for (std::int64_t c = 0; c < v.cols; ++c) out.h(0, c) = std::sqrt(s) * std::abs(svd.v(c, 0));
      continue;
    }
    double xp = 0, xn = 0, yp = 0, yn = 0;
    for (std::int64_t i = 0; i < v.rows; ++i) {
      const double x = svd.u(i, j);
      (x >= 0 ? xp : xn) += x * x;
    }
    for (std::int64_t c = 0; c < v.cols; ++c) {
      const double y = svd.v(c, j);
      (y >= 0 ? yp : yn) += y * y;
    }
    xp = std::sqrt(xp), xn = std::sqrt(xn), yp = std::sqrt(yp), yn = std::sqrt(yn);
    const double mp = xp * yp, mn = xn * yn;
    out.smallest_choice_gap =
        std::min(out.smallest_choice_gap, std::abs(mp - mn) / std::max(mp, mn));
    const bool positive = mp > mn;
    const double sigma = positive ? mp : mn;
    const double lambda = std::sqrt(s * sigma);
    for (std::int64_t i = 0; i < v.rows; ++i) {
      const double x = positive ? svd.u(i, j) : -svd.u(i, j);
      out.w(i, j) = x > 0 ? lambda * x / (positive ? xp : xn) : 0.0;
    }
    for (std::int64_t c = 0; c < v.cols; ++c) {
      const double y = positive ? svd.v(c, j) : -svd.v(c, j);
      out.h(j, c) = y > 0 ? lambda * y / (positive ? yp : yn) : 0.0;
    }
  }
  const auto finish = [&](Dense& a, bool is_w) {
    for (std::int64_t r = 0; r < a.rows; ++r)
      for (std::int64_t c = 0; c < a.cols; ++c) {
        double& x = a(r, c);
        if (x > 0) out.smallest_threshold_gap = std::min(out.smallest_threshold_gap, std::abs(x - eps) / eps);
        if (x >= eps) continue;
        x = 0.0;
        if (fill == Fill::kMean) x = mean;
        if (fill == Fill::kRandom) {
          // W(i, j) at index i k + j; H(j, c) at c k + j, as H^T is stored.
          const auto index = static_cast<std::uint64_t>(is_w ? r * k + c : c * k + r);
          x = mean / 100.0 * random_uniform(seed, is_w ? RandomStream::kFillW : RandomStream::kFillH, index);
        }
      }
  };
  finish(out.w, true);
  finish(out.h, false);
  return out;
}

}  // namespace gridnmf::reference
