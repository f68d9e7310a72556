#include "gridnmf/unmix/evaluation.hpp"

#include <algorithm>
#include <cmath>

#include "gridnmf/unmix/assignment.hpp"

namespace gridnmf::unmix {

namespace {

std::vector<double> column(const LocalMatrix<double>& a, std::int64_t c) {
  std::vector<double> values(static_cast<std::size_t>(a.rows));
  for (std::int64_t r = 0; r < a.rows; ++r) values[r] = a(r, c);
  return values;
}

// `values` times the power of two that brings the largest |value| into
// [1, 2) (exact), so that squares and sums neither overflow nor underflow
// for spectra scaled by 1e200 or 1e-200.
std::vector<double> normalised(const std::vector<double>& values) {
  double largest = 0.0;
  for (const double value : values) largest = std::max(largest, std::abs(value));
  if (largest == 0.0 || !std::isfinite(largest)) return values;
  const int exponent = -std::ilogb(largest);
  std::vector<double> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = std::ldexp(values[i], exponent);
  return out;
}

}  // namespace

double spectral_angle(const std::vector<double>& a_in, const std::vector<double>& b_in) {
  const std::vector<double> a = normalised(a_in), b = normalised(b_in);
  double norm_a = 0.0, norm_b = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    norm_a += a[i] * a[i];
    norm_b += b[i] * b[i];
  }
  if (norm_a == 0.0 || norm_b == 0.0) return std::acos(0.0);
  norm_a = std::sqrt(norm_a);
  norm_b = std::sqrt(norm_b);
  // 2 atan2(|a^ - b^|, |a^ + b^|) of the unit vectors equals arccos(a^.b^)
  // but stays accurate near 0 and pi, where arccos loses half the digits.
  double difference = 0.0, sum = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double x = a[i] / norm_a, y = b[i] / norm_b;
    difference += (x - y) * (x - y);
    sum += (x + y) * (x + y);
  }
  return 2.0 * std::atan2(std::sqrt(difference), std::sqrt(sum));
}

std::vector<double> sad_matrix(const LocalMatrix<double>& w_true,
                               const LocalMatrix<double>& w_est) {
  std::vector<double> angles(static_cast<std::size_t>(w_true.cols * w_est.cols));
  for (std::int64_t t = 0; t < w_true.cols; ++t) {
    const std::vector<double> truth = column(w_true, t);
    for (std::int64_t e = 0; e < w_est.cols; ++e) {
      angles[t * w_est.cols + e] = spectral_angle(truth, column(w_est, e));
    }
  }
  return angles;
}

double abundance_rmse(const LocalMatrix<double>& h_true, const LocalMatrix<double>& h_est,
                      const std::vector<int>& estimate) {
  const std::int64_t k = h_true.rows;
  const std::int64_t n = h_true.cols;
  double squares = 0.0;
  for (std::int64_t j = 0; j < n; ++j) {
    // Each estimated column normalised to sum 1, after a power-of-two scale
    // so that the sum of entries near 1e300 does not overflow.
    std::vector<double> estimated(static_cast<std::size_t>(h_est.rows));
    for (std::int64_t e = 0; e < h_est.rows; ++e) estimated[e] = h_est(e, j);
    estimated = normalised(estimated);
    double total = 0.0;
    for (const double value : estimated) total += value;
    const double scale = total > 0.0 ? 1.0 / total : 0.0;
    for (std::int64_t t = 0; t < k; ++t) {
      const double difference = estimated[estimate[t]] * scale - h_true(t, j);
      squares += difference * difference;
    }
  }
  return std::sqrt(squares / static_cast<double>(k * n));
}

UnmixingScores score_unmixing(const LocalMatrix<double>& w_true, const LocalMatrix<double>& w_est,
                              const LocalMatrix<double>* h_true,
                              const LocalMatrix<double>* h_est) {
  const int k = static_cast<int>(w_true.cols);
  const std::vector<double> angles = sad_matrix(w_true, w_est);
  UnmixingScores scores;
  scores.estimate = solve_assignment(angles, k);
  for (int t = 0; t < k; ++t) {
    scores.sad.push_back(angles[static_cast<std::size_t>(t) * k + scores.estimate[t]]);
    scores.mean_sad += scores.sad.back() / k;
  }
  if (h_true != nullptr && h_est != nullptr) {
    scores.rmse = abundance_rmse(*h_true, *h_est, scores.estimate);
  }
  return scores;
}

}  // namespace gridnmf::unmix
