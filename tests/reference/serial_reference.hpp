#pragma once

// The oracle for the distributed code: the update rules on whole matrices,
// written as plain loops from their textbook formulas, with no BLAS, no
// blocking and no MPI.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
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

// Penalty l1 * sum(X) + 0.5 * l2 * ||X||^2 on one factor.
struct Penalty {
  double l1 = 0.0;
  double l2 = 0.0;
};

// 0.5 ||V - WH||^2 plus both penalties.
inline double objective(const Dense& v, const Dense& w, const Dense& h, Penalty pw, Penalty ph) {
  const Dense wh = multiply(w, h);
  double value = 0.0;
  for (size_t i = 0; i < v.v.size(); ++i) value += 0.5 * (v.v[i] - wh.v[i]) * (v.v[i] - wh.v[i]);
  for (double x : w.v) value += pw.l1 * x + 0.5 * pw.l2 * x * x;
  for (double x : h.v) value += ph.l1 * x + 0.5 * ph.l2 * x * x;
  return value;
}

// MU on H (k x n) given W: H <- H .* max(W^T V - l1, 0) ./ (W^T W H + l2 H + eps).
inline void mu_update_h(const Dense& v, const Dense& w, Dense& h, Penalty p) {
  const double eps = local::mu_epsilon<double>();
  const Dense wt = transpose(w);
  const Dense numer = multiply(wt, v);
  const Dense denom = multiply(multiply(wt, w), h);
  for (size_t i = 0; i < h.v.size(); ++i) {
    h.v[i] = h.v[i] * std::max(numer.v[i] - p.l1, 0.0) / (denom.v[i] + p.l2 * h.v[i] + eps);
  }
}

// HALS on H given W: rows of H in order, each from the rows already updated.
inline void hals_update_h(const Dense& v, const Dense& w, Dense& h, Penalty p) {
  const Dense wt = transpose(w);
  const Dense c = multiply(wt, v);
  const Dense g = multiply(wt, w);
  for (std::int64_t l = 0; l < h.rows; ++l) {
    const double curvature = g(l, l) + p.l2;
    if (curvature <= 0) {
      for (std::int64_t j = 0; j < h.cols && p.l1 > 0; ++j) h(l, j) = 0.0;
      continue;
    }
    for (std::int64_t j = 0; j < h.cols; ++j) {
      double gh = p.l2 * h(l, j);
      for (std::int64_t q = 0; q < h.rows; ++q) gh += g(l, q) * h(q, j);
      h(l, j) = std::max(0.0, h(l, j) + (c(l, j) - p.l1 - gh) / curvature);
    }
  }
}

// min 0.5 x^T G x - c^T x over x >= 0 by trying every passive set F: solve
// G_FF x_F = c_F (Gaussian elimination with partial pivoting), keep the
// feasible KKT points (x_F >= 0, gradient >= 0 off F) and return the one with
// the lowest objective. Exponential in k: for small test problems only.
inline std::vector<double> nnls_exhaustive(const Dense& g, const std::vector<double>& c) {
  const std::int64_t k = g.rows;
  std::vector<double> best(static_cast<size_t>(k), 0.0);
  double best_value = 0.0;  // x = 0 is feasible with value 0
  for (std::uint64_t set = 1; set < (std::uint64_t{1} << k); ++set) {
    std::vector<std::int64_t> f;
    for (std::int64_t i = 0; i < k; ++i)
      if (set >> i & 1) f.push_back(i);
    const std::int64_t n = static_cast<std::int64_t>(f.size());
    Dense a(n, n + 1);
    for (std::int64_t r = 0; r < n; ++r) {
      for (std::int64_t s = 0; s < n; ++s) a(r, s) = g(f[r], f[s]);
      a(r, n) = c[f[r]];
    }
    bool singular = false;
    for (std::int64_t col = 0; col < n && !singular; ++col) {
      std::int64_t pivot = col;
      for (std::int64_t r = col + 1; r < n; ++r)
        if (std::abs(a(r, col)) > std::abs(a(pivot, col))) pivot = r;
      if (std::abs(a(pivot, col)) < 1e-300) singular = true;
      for (std::int64_t s = 0; s <= n && !singular; ++s) std::swap(a(col, s), a(pivot, s));
      for (std::int64_t r = 0; r < n && !singular; ++r) {
        if (r == col) continue;
        const double factor = a(r, col) / a(col, col);
        for (std::int64_t s = col; s <= n; ++s) a(r, s) -= factor * a(col, s);
      }
    }
    if (singular) continue;
    std::vector<double> x(static_cast<size_t>(k), 0.0);
    bool feasible = true;
    for (std::int64_t r = 0; r < n; ++r) {
      x[f[r]] = a(r, n) / a(r, r);
      feasible = feasible && x[f[r]] >= 0;
    }
    double value = 0.0;
    for (std::int64_t i = 0; i < k && feasible; ++i) {
      double gradient = -c[i];
      for (std::int64_t j = 0; j < k; ++j) gradient += g(i, j) * x[j];
      if (!(set >> i & 1) && gradient < -1e-9 * (1 + std::abs(c[i]))) feasible = false;
      value += 0.5 * x[i] * (gradient + c[i]) - c[i] * x[i];
    }
    if (feasible && value < best_value) {
      best_value = value;
      best = x;
    }
  }
  return best;
}

// ANLS on H given W: every column of H is the exact NNLS solution.
inline void nnls_update_h(const Dense& v, const Dense& w, Dense& h, Penalty p) {
  const Dense wt = transpose(w);
  Dense g = multiply(wt, w);
  for (std::int64_t l = 0; l < g.rows; ++l) g(l, l) += p.l2;
  const Dense c = multiply(wt, v);
  for (std::int64_t j = 0; j < h.cols; ++j) {
    std::vector<double> rhs(static_cast<size_t>(h.rows));
    for (std::int64_t l = 0; l < h.rows; ++l) rhs[l] = c(l, j) - p.l1;
    const std::vector<double> x = nnls_exhaustive(g, rhs);
    for (std::int64_t l = 0; l < h.rows; ++l) h(l, j) = x[l];
  }
}

// d_beta(v | y), written out from its definition for each case.
inline double beta_divergence(double beta, double v, double y) {
  if (beta == 1.0) return (v > 0 ? v * std::log(v / y) : 0.0) - v + y;
  if (beta == 0.0) return v / y - std::log(v / y) - 1.0;
  return (std::pow(v, beta) + (beta - 1.0) * std::pow(y, beta) -
          beta * v * std::pow(y, beta - 1.0)) / (beta * (beta - 1.0));
}

// Beta-divergence MU on H given W (Fevotte & Idier), WH floored at `floor`:
//   H <- H .* ((W^T (V .* Y^(beta-2)) - l1)_+ ./ (W^T Y^(beta-1) + l2 H + eps))^gamma.
inline void beta_mu_update_h(const Dense& v, const Dense& w, Dense& h, Penalty p, double beta,
                             double floor) {
  const double eps = local::mu_epsilon<double>();
  const double gamma = beta < 1.0 ? 1.0 / (2.0 - beta) : 1.0;
  Dense y = multiply(w, h), ratio(v.rows, v.cols), power(v.rows, v.cols);
  for (size_t i = 0; i < y.v.size(); ++i) {
    y.v[i] = std::max(y.v[i], floor);
    ratio.v[i] = v.v[i] * std::pow(y.v[i], beta - 2.0);
    power.v[i] = std::pow(y.v[i], beta - 1.0);
  }
  const Dense wt = transpose(w);
  const Dense numer = multiply(wt, ratio);
  const Dense denom = multiply(wt, power);
  for (size_t i = 0; i < h.v.size(); ++i) {
    const double step = std::max(numer.v[i] - p.l1, 0.0) / (denom.v[i] + p.l2 * h.v[i] + eps);
    h.v[i] *= std::pow(step, gamma);
  }
}

// Sum of d_beta(V | max(WH, floor)) plus both penalties.
inline double beta_objective(const Dense& v, const Dense& w, const Dense& h, Penalty pw,
                             Penalty ph, double beta, double floor) {
  const Dense wh = multiply(w, h);
  double value = 0.0;
  for (size_t i = 0; i < v.v.size(); ++i) value += beta_divergence(beta, v.v[i], std::max(wh.v[i], floor));
  for (double x : w.v) value += pw.l1 * x + 0.5 * pw.l2 * x * x;
  for (double x : h.v) value += ph.l1 * x + 0.5 * ph.l2 * x * x;
  return value;
}

// One iteration of `update_h`-style rules: H first, then W (as H^T of V^T).
template <typename UpdateH>
void iteration(const Dense& v, Dense& w, Dense& h, Penalty pw, Penalty ph, UpdateH update_h) {
  update_h(v, w, h, ph);
  const Dense vt = transpose(v);
  const Dense ht = transpose(h);
  Dense wt = transpose(w);
  update_h(vt, ht, wt, pw);
  w = transpose(wt);
}

// One MU iteration without penalties.
inline void mu_iteration(const Dense& v, Dense& w, Dense& h) {
  iteration(v, w, h, {}, {}, mu_update_h);
}

}  // namespace gridnmf::reference
