#include "gridnmf/local/simplex_volume.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "gridnmf/local/small_cholesky.hpp"

namespace gridnmf::local {

double simplex_volume_majorizer(const double* gram, std::int64_t k, double epsilon,
                                double* correction) {
  // P G P: subtract row and column means.
  std::vector<double> row_mean(k, 0.0);
  double total_mean = 0.0;
  for (std::int64_t i = 0; i < k; ++i) {
    for (std::int64_t j = 0; j < k; ++j) row_mean[i] += gram[i * k + j];
    row_mean[i] /= static_cast<double>(k);
    total_mean += row_mean[i];
  }
  total_mean /= static_cast<double>(k);
  std::vector<double> m(k * k);
  for (std::int64_t i = 0; i < k; ++i) {
    for (std::int64_t j = 0; j < k; ++j) {
      m[i * k + j] = gram[i * k + j] - row_mean[i] - row_mean[j] + total_mean;
    }
    m[i * k + i] += epsilon;
  }
  small_cholesky(m, k, "volume term's matrix");
  double logdet = 0.0;
  for (std::int64_t i = 0; i < k; ++i) logdet += 2.0 * std::log(m[i * k + i]);
  if (correction == nullptr) return logdet;

  // Columns of M^-1 by forward and back substitution on unit vectors.
  std::vector<double> inverse(k * k), column(k);
  for (std::int64_t c = 0; c < k; ++c) {
    for (std::int64_t i = 0; i < k; ++i) {
      double value = i == c ? 1.0 : 0.0;
      for (std::int64_t l = 0; l < i; ++l) value -= m[i * k + l] * column[l];
      column[i] = value / m[i * k + i];
    }
    for (std::int64_t i = k - 1; i >= 0; --i) {
      double value = column[i];
      for (std::int64_t l = i + 1; l < k; ++l) value -= m[l * k + i] * column[l];
      column[i] = value / m[i * k + i];
    }
    for (std::int64_t i = 0; i < k; ++i) inverse[i * k + c] = column[i];
  }
  // P M^-1 P, symmetrised against rounding.
  for (std::int64_t i = 0; i < k; ++i) {
    for (std::int64_t j = i + 1; j < k; ++j) {
      const double symmetric = 0.5 * (inverse[i * k + j] + inverse[j * k + i]);
      inverse[i * k + j] = inverse[j * k + i] = symmetric;
    }
  }
  std::fill(row_mean.begin(), row_mean.end(), 0.0);
  total_mean = 0.0;
  for (std::int64_t i = 0; i < k; ++i) {
    for (std::int64_t j = 0; j < k; ++j) row_mean[i] += inverse[i * k + j];
    row_mean[i] /= static_cast<double>(k);
    total_mean += row_mean[i];
  }
  total_mean /= static_cast<double>(k);
  for (std::int64_t i = 0; i < k; ++i) {
    for (std::int64_t j = 0; j < k; ++j) {
      correction[i * k + j] = inverse[i * k + j] - row_mean[i] - row_mean[j] + total_mean;
    }
  }
  return logdet;
}

}  // namespace gridnmf::local
