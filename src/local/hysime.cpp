#include "gridnmf/local/hysime.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "gridnmf/local/small_cholesky.hpp"
#include "gridnmf/local/symmetric_eigen.hpp"

namespace gridnmf::local {

namespace {

// Inverse of a small SPD matrix by Cholesky (row-major, full result).
std::vector<double> spd_inverse(std::vector<double> m, std::int64_t k) {
  small_cholesky(m, k, "band correlation matrix");
  // L^-1 (lower), then (L^-1)^T L^-1.
  std::vector<double> li(static_cast<size_t>(k * k), 0.0);
  for (std::int64_t c = 0; c < k; ++c) {
    for (std::int64_t i = c; i < k; ++i) {
      double value = i == c ? 1.0 : 0.0;
      for (std::int64_t l = c; l < i; ++l) value -= m[i * k + l] * li[l * k + c];
      li[i * k + c] = value / m[i * k + i];
    }
  }
  std::vector<double> inverse(static_cast<size_t>(k * k), 0.0);
  for (std::int64_t i = 0; i < k; ++i) {
    for (std::int64_t j = 0; j <= i; ++j) {
      double sum = 0.0;
      for (std::int64_t l = i; l < k; ++l) sum += li[l * k + i] * li[l * k + j];
      inverse[i * k + j] = inverse[j * k + i] = sum;
    }
  }
  return inverse;
}

}  // namespace

double HysimeEstimate::snr_db() const {
  if (!(noise_power > 0.0)) return INFINITY;
  return 10.0 * std::log10(std::max(signal_power, 0.0) / noise_power);
}

HysimeEstimate hysime(const std::vector<double>& correlation, std::int64_t bands,
                      std::int64_t pixels) {
  const std::int64_t L = bands;
  const double n = static_cast<double>(pixels);
  double mean_diagonal = 0.0;
  for (std::int64_t i = 0; i < L; ++i) mean_diagonal += correlation[i * L + i] / L;
  std::vector<double> ridged = correlation;
  for (std::int64_t i = 0; i < L; ++i) ridged[i * L + i] += 1e-9 * mean_diagonal;
  const std::vector<double> ri = spd_inverse(ridged, L);

  // Row i of B: the coefficients of band i on the others,
  // beta = (Ri - Ri[:,i] Ri[i,:] / Ri[i,i]) R[:,i] with beta_i = 0, which
  // simplifies to beta_l = -Ri[l,i] / Ri[i,i] for l != i (the inverse of the
  // other bands' correlation applied to their correlation with band i).
  std::vector<double> b(static_cast<size_t>(L * L), 0.0);
  for (std::int64_t i = 0; i < L; ++i) {
    for (std::int64_t l = 0; l < L; ++l) {
      if (l != i) b[i * L + l] = -ri[l * L + i] / ri[i * L + i];
    }
  }
  // B R (L x L), then the noise variance (row i of (I - B) R (I - B)^T / n)
  // and the signal correlation Rx = B R B^T / n.
  std::vector<double> br(static_cast<size_t>(L * L), 0.0);
  for (std::int64_t i = 0; i < L; ++i) {
    for (std::int64_t l = 0; l < L; ++l) {
      const double coefficient = b[i * L + l];
      if (coefficient == 0.0) continue;
      for (std::int64_t j = 0; j < L; ++j) br[i * L + j] += coefficient * correlation[l * L + j];
    }
  }
  HysimeEstimate estimate;
  estimate.noise_variance.resize(static_cast<size_t>(L));
  std::vector<double> rx(static_cast<size_t>(L * L), 0.0);
  for (std::int64_t i = 0; i < L; ++i) {
    for (std::int64_t j = 0; j <= i; ++j) {
      double sum = 0.0;
      for (std::int64_t l = 0; l < L; ++l) sum += br[i * L + l] * b[j * L + l];
      rx[i * L + j] = rx[j * L + i] = sum / n;
    }
    // (R - BR - (BR)^T + B R B^T)_ii / n
    const double residual =
        correlation[i * L + i] / n - 2.0 * br[i * L + i] / n + rx[i * L + i];
    estimate.noise_variance[i] = std::max(residual, 0.0);
    estimate.noise_power += estimate.noise_variance[i];
  }
  for (std::int64_t i = 0; i < L; ++i) estimate.signal_power += rx[i * L + i];

  // Eigenvectors of Rx; for each, the data power e^T (R / n) e against twice
  // the noise power e^T Rn e (Rn diagonal, with the paper's tiny ridge).
  const SymmetricEigen eigen = symmetric_eigen(rx, L);
  const double ridge = estimate.signal_power / static_cast<double>(L) * 1e-10;
  for (std::int64_t c = 0; c < L; ++c) {
    double data_power = 0.0, noise_power = 0.0;
    for (std::int64_t i = 0; i < L; ++i) {
      const double ei = eigen.vectors[i * L + c];
      noise_power += ei * ei * (estimate.noise_variance[i] + ridge);
      double row = 0.0;
      for (std::int64_t j = 0; j < L; ++j) row += correlation[i * L + j] * eigen.vectors[j * L + c];
      data_power += ei * row / n;
    }
    if (2.0 * noise_power - data_power < 0.0) ++estimate.dimension;
  }
  return estimate;
}

}  // namespace gridnmf::local
