#pragma once

// The oracle for the distributed code: Lee-Seung MU on whole matrices, written
// as plain loops with no BLAS, no blocking and no MPI.
#include <cmath>
#include <cstdint>
#include <vector>

#include "gridnmf/local/mu_kernels.hpp"

namespace gridnmf::reference {

// Dense row-major matrix for the reference.
struct Dense {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::vector<double> v;
  Dense(std::int64_t r, std::int64_t c) : rows(r), cols(c), v(static_cast<size_t>(r * c), 0.0) {}
  double& operator()(std::int64_t r, std::int64_t c) { return v[r * cols + c]; }
  double operator()(std::int64_t r, std::int64_t c) const { return v[r * cols + c]; }
};

inline Dense multiply(const Dense& a, const Dense& b) {
  Dense c(a.rows, b.cols);
  for (std::int64_t r = 0; r < a.rows; ++r)
    for (std::int64_t s = 0; s < b.cols; ++s) {
      double sum = 0.0;
      for (std::int64_t l = 0; l < a.cols; ++l) sum += a(r, l) * b(l, s);
      c(r, s) = sum;
    }
  return c;
}

inline Dense transpose(const Dense& a) {
  Dense t(a.cols, a.rows);
  for (std::int64_t r = 0; r < a.rows; ++r)
    for (std::int64_t c = 0; c < a.cols; ++c) t(c, r) = a(r, c);
  return t;
}

// ||V - W H||_F / ||V||_F with W H formed explicitly.
inline double relative_error(const Dense& v, const Dense& w, const Dense& h) {
  const Dense wh = multiply(w, h);
  double diff = 0.0, norm = 0.0;
  for (size_t i = 0; i < v.v.size(); ++i) {
    diff += (v.v[i] - wh.v[i]) * (v.v[i] - wh.v[i]);
    norm += v.v[i] * v.v[i];
  }
  return std::sqrt(diff / norm);
}

// One MU iteration: H first, then W, with the library's epsilon.
inline void mu_iteration(const Dense& v, Dense& w, Dense& h) {
  const double eps = local::mu_epsilon<double>();
  const Dense wt = transpose(w);
  const Dense numer_h = multiply(wt, v);
  const Dense denom_h = multiply(multiply(wt, w), h);
  for (size_t i = 0; i < h.v.size(); ++i) h.v[i] = h.v[i] * numer_h.v[i] / (denom_h.v[i] + eps);
  const Dense ht = transpose(h);
  const Dense numer_w = multiply(v, ht);
  const Dense denom_w = multiply(w, multiply(h, ht));
  for (size_t i = 0; i < w.v.size(); ++i) w.v[i] = w.v[i] * numer_w.v[i] / (denom_w.v[i] + eps);
}

}  // namespace gridnmf::reference
