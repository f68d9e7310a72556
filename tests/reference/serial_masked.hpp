#pragma once

// The oracle for masked NMF: the masked update rules on whole matrices with
// an explicit 0/1 mask matrix M (1 = observed), plain loops, no BLAS.
#include "serial_reference.hpp"

namespace gridnmf::reference {

// Masked Frobenius MU on H given W:
//   H <- H .* max(W^T (M.*V) - l1, 0) ./ (W^T (M.*(WH)) + l2 H + eps).
inline void masked_mu_update_h(const Dense& v, const Dense& m, const Dense& w, Dense& h,
                               Penalty p) {
  const double eps = local::mu_epsilon<double>();
  const Dense wh = multiply(w, h);
  Dense mv(v.rows, v.cols), mwh(v.rows, v.cols);
  for (size_t i = 0; i < v.v.size(); ++i) {
    mv.v[i] = m.v[i] * v.v[i];
    mwh.v[i] = m.v[i] * wh.v[i];
  }
  const Dense wt = transpose(w);
  const Dense numer = multiply(wt, mv);
  const Dense denom = multiply(wt, mwh);
  for (size_t i = 0; i < h.v.size(); ++i) {
    h.v[i] = h.v[i] * std::max(numer.v[i] - p.l1, 0.0) / (denom.v[i] + p.l2 * h.v[i] + eps);
  }
}

// Masked KL MU on H given W, WH floored at `floor`:
//   H <- H .* max(W^T (M.*V./WH) - l1, 0) ./ (W^T M + l2 H + eps).
inline void masked_kl_update_h(const Dense& v, const Dense& m, const Dense& w, Dense& h,
                               Penalty p, double floor) {
  const double eps = local::mu_epsilon<double>();
  const Dense wh = multiply(w, h);
  Dense ratio(v.rows, v.cols);
  for (size_t i = 0; i < v.v.size(); ++i) ratio.v[i] = m.v[i] * v.v[i] / std::max(wh.v[i], floor);
  const Dense wt = transpose(w);
  const Dense numer = multiply(wt, ratio);
  const Dense denom = multiply(wt, m);
  for (size_t i = 0; i < h.v.size(); ++i) {
    h.v[i] = h.v[i] * std::max(numer.v[i] - p.l1, 0.0) / (denom.v[i] + p.l2 * h.v[i] + eps);
  }
}

// EM imputation on H given W: the exact NNLS solve on V with its unobserved
// entries replaced by the current WH.
inline void imputed_nnls_update_h(const Dense& v, const Dense& m, const Dense& w, Dense& h,
                                  Penalty p) {
  const Dense wh = multiply(w, h);
  Dense filled(v.rows, v.cols);
  for (size_t i = 0; i < v.v.size(); ++i) filled.v[i] = m.v[i] > 0 ? v.v[i] : wh.v[i];
  nnls_update_h(filled, w, h, p);
}

// One iteration, H first, then W (as H^T of V^T with M^T).
template <typename UpdateH>
void masked_iteration(const Dense& v, const Dense& m, Dense& w, Dense& h, Penalty pw, Penalty ph,
                      UpdateH update_h) {
  update_h(v, m, w, h, ph);
  const Dense vt = transpose(v);
  const Dense mt = transpose(m);
  const Dense ht = transpose(h);
  Dense wt = transpose(w);
  update_h(vt, mt, ht, wt, pw);
  w = transpose(wt);
}

// The masked loss: 0.5 sum M.*(V-WH)^2 (beta 2) or sum M.*d_KL(V|max(WH, floor)).
inline double masked_loss(const Dense& v, const Dense& m, const Dense& w, const Dense& h,
                          double beta, double floor) {
  const Dense wh = multiply(w, h);
  double value = 0.0;
  for (size_t i = 0; i < v.v.size(); ++i) {
    if (m.v[i] == 0.0) continue;
    value += beta == 2.0 ? 0.5 * (v.v[i] - wh.v[i]) * (v.v[i] - wh.v[i])
                         : beta_divergence(1.0, v.v[i], std::max(wh.v[i], floor));
  }
  return value;
}

// ||V - WH|| / ||V|| over the entries where `select` is 1.
inline double selected_relative_error(const Dense& v, const Dense& select, const Dense& w,
                                      const Dense& h) {
  const Dense wh = multiply(w, h);
  double diff = 0.0, norm = 0.0;
  for (size_t i = 0; i < v.v.size(); ++i) {
    if (select.v[i] == 0.0) continue;
    diff += (v.v[i] - wh.v[i]) * (v.v[i] - wh.v[i]);
    norm += v.v[i] * v.v[i];
  }
  return std::sqrt(diff / norm);
}

}  // namespace gridnmf::reference
