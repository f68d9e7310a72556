#pragma once

// The oracle for the sparseness-constrained driver: Hoyer's nmfsc (JMLR
// 2004) on whole matrices, his projection written out from figure 1 of the
// paper as plain loops, independent of src/local.
#include <cmath>
#include <vector>

#include "serial_reference.hpp"

namespace gridnmf::reference {

// The non-negative vector closest to x with sum l1 and Euclidean norm l2
// (Hoyer 2004, figure 1).
inline std::vector<double> hoyer_projection(const std::vector<double>& x, double l1, double l2) {
  const std::size_t n = x.size();
  double sum = 0.0;
  for (double value : x) sum += value;
  std::vector<double> s(n);
  for (std::size_t i = 0; i < n; ++i) s[i] = x[i] + (l1 - sum) / n;
  std::vector<bool> zero(n, false);
  for (std::size_t round = 0; round <= n; ++round) {
    std::size_t free = 0;
    for (std::size_t i = 0; i < n; ++i) free += zero[i] ? 0 : 1;
    const double mid = l1 / free;
    double a = 0.0, b = 0.0, c = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      if (zero[i]) continue;
      a += (s[i] - mid) * (s[i] - mid);
      b += 2.0 * mid * (s[i] - mid);
      c += mid * mid;
    }
    c -= l2 * l2;
    const double alpha = (-b + std::sqrt(std::max(b * b - 4.0 * a * c, 0.0))) / (2.0 * a);
    bool negative = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (zero[i]) continue;
      s[i] = mid + alpha * (s[i] - mid);
      if (s[i] < 0.0) negative = true;
    }
    if (!negative) break;
    double free_sum = 0.0;
    std::size_t still_free = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!zero[i] && s[i] < 0.0) {
        zero[i] = true;
        s[i] = 0.0;
      }
      if (!zero[i]) {
        free_sum += s[i];
        ++still_free;
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (!zero[i]) s[i] -= (free_sum - l1) / still_free;
    }
  }
  return s;
}

// Column c of x projected to sparseness `target` with L2 norm l2 (l2 = 0: left alone).
inline void project_column(Dense& x, std::int64_t c, double target, double l2) {
  if (l2 <= 0.0) return;
  std::vector<double> column(x.rows);
  for (std::int64_t r = 0; r < x.rows; ++r) column[r] = x(r, c);
  const double root = std::sqrt(static_cast<double>(x.rows));
  column = hoyer_projection(column, l2 * (root - target * (root - 1.0)), l2);
  for (std::int64_t r = 0; r < x.rows; ++r) x(r, c) = column[r];
}

inline double column_norm(const Dense& x, std::int64_t c) {
  double squares = 0.0;
  for (std::int64_t r = 0; r < x.rows; ++r) squares += x(r, c) * x(r, c);
  return std::sqrt(squares);
}

// Rows of H to unit norm, W's columns scaled so W H stays.
inline void normalize_rows_of_h(Dense& w, Dense& h) {
  for (std::int64_t l = 0; l < h.rows; ++l) {
    double squares = 0.0;
    for (std::int64_t j = 0; j < h.cols; ++j) squares += h(l, j) * h(l, j);
    const double norm = std::sqrt(squares);
    if (norm <= 0.0) continue;
    for (std::int64_t j = 0; j < h.cols; ++j) h(l, j) /= norm;
    for (std::int64_t i = 0; i < w.rows; ++i) w(i, l) *= norm;
  }
}

// Hoyer's step on the columns of X in V ~ X Y^T (X = W, Y = H^T; or X = H^T,
// Y = W with V transposed): gradient X Y^T Y - V Y, step halved until the
// objective does not increase, each column projected (to unit norm, or to
// its own norm after the step).
inline void constrained_step(const Dense& v, Dense& x, const Dense& y, double target,
                             bool unit_norm, double& step) {
  const Dense yt = transpose(y);
  const auto objective = [&](const Dense& candidate) {
    return reference::objective(v, candidate, yt, {}, {});
  };
  const double start = objective(x);
  if (step == 0.0) {
    double trace = 0.0;
    for (double value : y.v) trace += value * value;
    step = 1.0 / trace;
  }
  const Dense residual_y = multiply(multiply(x, yt), y);  // X Y^T Y
  const Dense vy = multiply(v, y);
  for (int halving = 0; halving < 40; ++halving) {
    Dense trial = x;
    for (std::size_t i = 0; i < trial.v.size(); ++i) {
      trial.v[i] -= step * (residual_y.v[i] - vy.v[i]);
    }
    for (std::int64_t c = 0; c < trial.cols; ++c) {
      project_column(trial, c, target, unit_norm ? 1.0 : column_norm(trial, c));
    }
    if (objective(trial) <= start) {
      x = trial;
      step *= 1.2;
      return;
    }
    step /= 2.0;
  }
}

struct SparseNmfRun {
  std::vector<double> objectives;  // 0.5 ||V - WH||^2 after each iteration
};

// `iterations` of nmfsc from (w, h); the unconstrained factor takes
// `update_h` (mu_update_h, hals_update_h or nnls_update_h).
template <typename UpdateH>
SparseNmfRun sparse_nmf(const Dense& v, Dense& w, Dense& h, double target_w, double target_h,
                        int iterations, UpdateH update_h) {
  normalize_rows_of_h(w, h);
  if (target_h > 0) {
    Dense ht = transpose(h);
    for (std::int64_t c = 0; c < ht.cols; ++c) project_column(ht, c, target_h, 1.0);
    h = transpose(ht);
  }
  if (target_w > 0) {
    for (std::int64_t c = 0; c < w.cols; ++c) project_column(w, c, target_w, column_norm(w, c));
  }
  double step_w = 0.0, step_h = 0.0;
  SparseNmfRun run;
  const Dense vt = transpose(v);
  for (int it = 0; it < iterations; ++it) {
    if (target_h > 0) {
      Dense ht = transpose(h);
      constrained_step(vt, ht, w, target_h, true, step_h);
      h = transpose(ht);
    } else {
      update_h(v, w, h, {});
      normalize_rows_of_h(w, h);
    }
    if (target_w > 0) {
      constrained_step(v, w, transpose(h), target_w, false, step_w);
    } else {
      Dense wt = transpose(w);
      Dense ht = transpose(h);
      update_h(vt, ht, wt, {});
      w = transpose(wt);
    }
    run.objectives.push_back(objective(v, w, h, {}, {}));
  }
  return run;
}

}  // namespace gridnmf::reference
