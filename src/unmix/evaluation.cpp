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

}  // namespace

double spectral_angle(const std::vector<double>& a, const std::vector<double>& b) {
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
    double total = 0.0;
    for (std::int64_t e = 0; e < h_est.rows; ++e) total += h_est(e, j);
    const double scale = total > 0.0 ? 1.0 / total : 0.0;
    for (std::int64_t t = 0; t < k; ++t) {
      const double difference = h_est(estimate[t], j) * scale - h_true(t, j);
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
