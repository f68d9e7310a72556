#pragma once

// Serial oracle for the unmixing terms, written the slow and obvious way:
// sum-to-one by appending the row delta * 1^T to V and W explicitly, and the
// minimum-volume term as extra columns of H (a symmetric square root of its
// Gram correction, found by Jacobi rotations), so both halves are the plain
// update rules of serial_reference.hpp on explicitly augmented matrices.
#include <cmath>
#include <stdexcept>
#include <vector>

#include "serial_reference.hpp"

namespace gridnmf::reference {

// [V; delta 1^T]: one more row.
inline Dense append_row(const Dense& v, double delta) {
  Dense a(v.rows + 1, v.cols);
  for (std::int64_t r = 0; r < v.rows; ++r)
    for (std::int64_t c = 0; c < v.cols; ++c) a(r, c) = v(r, c);
  for (std::int64_t c = 0; c < v.cols; ++c) a(v.rows, c) = delta;
  return a;
}

// Gauss-Jordan inverse and log determinant of a small SPD matrix.
inline Dense inverse(const Dense& a, double* log_det) {
  const std::int64_t k = a.rows;
  Dense m = a, inv(k, k);
  for (std::int64_t i = 0; i < k; ++i) inv(i, i) = 1.0;
  double ld = 0.0;
  for (std::int64_t c = 0; c < k; ++c) {
    std::int64_t pivot = c;
    for (std::int64_t r = c + 1; r < k; ++r)
      if (std::abs(m(r, c)) > std::abs(m(pivot, c))) pivot = r;
    for (std::int64_t j = 0; j < k; ++j) {
      std::swap(m(c, j), m(pivot, j));
      std::swap(inv(c, j), inv(pivot, j));
    }
    const double p = m(c, c);
    ld += std::log(std::abs(p));  // SPD: the determinant is positive
    for (std::int64_t j = 0; j < k; ++j) {
      m(c, j) /= p;
      inv(c, j) /= p;
    }
    for (std::int64_t r = 0; r < k; ++r) {
      if (r == c) continue;
      const double f = m(r, c);
      for (std::int64_t j = 0; j < k; ++j) {
        m(r, j) -= f * m(c, j);
        inv(r, j) -= f * inv(c, j);
      }
    }
  }
  if (log_det) *log_det = ld;
  return inv;
}

// The centring projector P = I - 1 1^T / k.
inline Dense centring(std::int64_t k) {
  Dense p(k, k);
  for (std::int64_t i = 0; i < k; ++i)
    for (std::int64_t j = 0; j < k; ++j) p(i, j) = (i == j ? 1.0 : 0.0) - 1.0 / k;
  return p;
}

// M = P W^T W P + epsilon I.
inline Dense volume_matrix(const Dense& w, double epsilon) {
  const Dense p = centring(w.cols);
  Dense m = multiply(multiply(p, multiply(transpose(w), w)), p);
  for (std::int64_t i = 0; i < m.rows; ++i) m(i, i) += epsilon;
  return m;
}

// log det(P W^T W P + epsilon I).
inline double volume_log_det(const Dense& w, double epsilon) {
  double ld = 0.0;
  inverse(volume_matrix(w, epsilon), &ld);
  return ld;
}

// lambda P M^-1 P: what the volume term adds to H H^T in the W half.
inline Dense volume_gram(const Dense& w, double lambda, double epsilon) {
  const Dense p = centring(w.cols);
  Dense c = multiply(multiply(p, inverse(volume_matrix(w, epsilon), nullptr)), p);
  for (double& x : c.v) x *= lambda;
  return c;
}

// B with B B^T = S for a symmetric positive semi-definite S (cyclic Jacobi:
// S = Q D Q^T, B = Q D^(1/2)).
inline Dense psd_square_root(Dense s) {
  const std::int64_t k = s.rows;
  Dense q(k, k);
  for (std::int64_t i = 0; i < k; ++i) q(i, i) = 1.0;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0.0;
    for (std::int64_t i = 0; i < k; ++i)
      for (std::int64_t j = i + 1; j < k; ++j) off += s(i, j) * s(i, j);
    if (off < 1e-30) break;
    for (std::int64_t i = 0; i < k; ++i) {
      for (std::int64_t j = i + 1; j < k; ++j) {
        if (s(i, j) == 0.0) continue;
        const double theta = (s(j, j) - s(i, i)) / (2.0 * s(i, j));
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
        const double c = 1.0 / std::sqrt(t * t + 1.0), sn = t * c;
        for (std::int64_t r = 0; r < k; ++r) {  // S <- S J
          const double a = s(r, i), b = s(r, j);
          s(r, i) = c * a - sn * b;
          s(r, j) = sn * a + c * b;
        }
        for (std::int64_t r = 0; r < k; ++r) {  // S <- J^T S
          const double a = s(i, r), b = s(j, r);
          s(i, r) = c * a - sn * b;
          s(j, r) = sn * a + c * b;
        }
        for (std::int64_t r = 0; r < k; ++r) {  // Q <- Q J
          const double a = q(r, i), b = q(r, j);
          q(r, i) = c * a - sn * b;
          q(r, j) = sn * a + c * b;
        }
      }
    }
  }
  Dense b(k, k);
  for (std::int64_t r = 0; r < k; ++r)
    for (std::int64_t c = 0; c < k; ++c) b(r, c) = q(r, c) * std::sqrt(std::max(s(c, c), 0.0));
  return b;
}

struct UnmixingReference {
  double delta = 0.0;    // sum-to-one weight
  double lambda = 0.0;   // volume weight
  double epsilon = 0.0;  // volume regulariser
};

// One iteration, H half then W half, of `update_h` on the augmented problem.
template <typename UpdateH>
void unmixing_iteration(const Dense& v, Dense& w, Dense& h, const UnmixingReference& terms,
                        UpdateH update_h) {
  // H half: [V; delta 1^T] ~ [W; delta 1^T] H.
  const Dense v_aug = append_row(v, terms.delta);
  const Dense w_aug = append_row(w, terms.delta);
  update_h(v_aug, w_aug, h, Penalty{});
  // W half: V^T ~ H^T W^T with k extra rows [H^T; B^T] and [V^T; 0], so the
  // Gram matrix of H gains B B^T = lambda P M^-1 P and V H^T nothing.
  Dense ht = transpose(h);
  Dense vt = transpose(v);
  if (terms.lambda > 0) {
    const Dense b = psd_square_root(volume_gram(w, terms.lambda, terms.epsilon));
    const std::int64_t k = w.cols;
    Dense ht_aug(ht.rows + k, k), vt_aug(vt.rows + k, vt.cols);
    for (std::int64_t r = 0; r < ht.rows; ++r)
      for (std::int64_t c = 0; c < k; ++c) ht_aug(r, c) = ht(r, c);
    for (std::int64_t r = 0; r < k; ++r)
      for (std::int64_t c = 0; c < k; ++c) ht_aug(ht.rows + r, c) = b(c, r);
    for (std::int64_t r = 0; r < vt.rows; ++r)
      for (std::int64_t c = 0; c < vt.cols; ++c) vt_aug(r, c) = vt(r, c);
    ht = ht_aug;
    vt = vt_aug;
  }
  Dense wt = transpose(w);
  update_h(vt, ht, wt, Penalty{});
  w = transpose(wt);
}

// 0.5 ||[V; delta 1^T] - [W; delta 1^T] H||^2 + 0.5 lambda log det(P W^T W P + eps I).
inline double unmixing_objective(const Dense& v, const Dense& w, const Dense& h,
                                 const UnmixingReference& terms) {
  double value = objective(append_row(v, terms.delta), append_row(w, terms.delta), h, {}, {});
  if (terms.lambda > 0) value += 0.5 * terms.lambda * volume_log_det(w, terms.epsilon);
  return value;
}

}  // namespace gridnmf::reference
