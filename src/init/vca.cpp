#include "gridnmf/init/vca.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "column_selection.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/init/counter_random.hpp"
#include "gridnmf/init/spa.hpp"
#include "gridnmf/linalg/small_svd.hpp"
#include "gridnmf/linalg/truncated_svd.hpp"

namespace gridnmf {

namespace {

// The subspace needs only the leading k directions, but a few more power
// iterations than the SVD's default sharpen it on noisy scenes for little cost.
constexpr int kPowerIterations = 4;
// A projective denominator below this fraction of the largest one is a pixel
// with (almost) no signal: it gets y = 0 and is never taken.
constexpr double kDenominatorFloor = 1e-12;
// Estimated noise power below this fraction of the data power is rounding.
constexpr double kNoiseFloor = 1e-10;

// Orthonormal basis of the span of the non-zero columns of `a` (p x p,
// row-major), by modified Gram-Schmidt run twice.
std::vector<std::vector<double>> column_basis(const LocalMatrix<double>& a) {
  const std::int64_t p = a.rows;
  std::vector<std::vector<double>> basis;
  for (std::int64_t c = 0; c < a.cols; ++c) {
    std::vector<double> q(static_cast<size_t>(p));
    double original = 0.0;
    for (std::int64_t r = 0; r < p; ++r) {
      q[r] = a(r, c);
      original += q[r] * q[r];
    }
    if (original == 0.0) continue;
    for (int pass = 0; pass < 2; ++pass) {
      for (const auto& b : basis) {
        double dot = 0.0;
        for (std::int64_t r = 0; r < p; ++r) dot += b[r] * q[r];
        for (std::int64_t r = 0; r < p; ++r) q[r] -= dot * b[r];
      }
    }
    double norm2 = 0.0;
    for (const double x : q) norm2 += x * x;
    if (norm2 <= 1e-24 * original) continue;  // already in the span
    const double inverse = 1.0 / std::sqrt(norm2);
    for (double& x : q) x *= inverse;
    basis.push_back(std::move(q));
  }
  return basis;
}

}  // namespace

template <typename T>
std::vector<std::int64_t> vca_select_columns(const ProcessGrid& grid, const Distribution& dist,
                                             const DataBlock<T>& v_data, std::int64_t k,
                                             std::uint64_t seed) {
  detail::check_column_count("VCA", k, dist);
  if (k > dist.rows()) {
    throw Error("VCA needs k <= m = " + std::to_string(dist.rows()) + " bands, got k = " +
                std::to_string(k));
  }
  if (k == 1) return spa_select_columns(grid, dist, v_data, 1);
  const std::int64_t p = k;
  const auto n = static_cast<double>(dist.cols());
  const auto bands = static_cast<double>(dist.rows());

  linalg::SvdSettings svd_settings;
  svd_settings.power_iterations = kPowerIterations;
  svd_settings.seed = seed;
  linalg::TruncatedSvd svd = linalg::truncated_svd(grid, dist, v_data, p, svd_settings);
  LocalMatrix<double>& u_own = svd.u_own;  // owned W rows x p
  LocalMatrix<double>& v_own = svd.v_own;  // owned H columns x p

  // Fix each singular pair's sign (sum of cubes of u positive): the SVD's own
  // sign may differ by grid, and VCA's random directions are not symmetric.
  // Bundled with ||V||^2 and the parts of the mean pixel r_m the SNR needs.
  const IndexRange block_rows = dist.block_rows(grid.row());
  const IndexRange w_rows = dist.owned_w_rows(grid.row(), grid.col());
  const LocalMatrix<T>& v_block = v_data.dense();  // VCA reads columns: dense input only
  std::vector<double> row_sums(static_cast<size_t>(v_block.rows), 0.0);
  double local_sum_squares = 0.0;
  for (std::int64_t r = 0; r < v_block.rows; ++r) {
    for (std::int64_t c = 0; c < v_block.cols; ++c) {
      const double x = static_cast<double>(v_block(r, c));
      row_sums[r] += x;
      local_sum_squares += x * x;
    }
  }
  comm::allreduce_sum(grid.row_comm(), row_sums.data(), v_block.rows);
  // bundle: [sum of cubes (p), U^T r_m (p), ||r_m||^2, ||V||^2]
  std::vector<double> bundle(static_cast<size_t>(2 * p + 2), 0.0);
  for (std::int64_t r = 0; r < w_rows.size; ++r) {
    const double mean = row_sums[w_rows.begin - block_rows.begin + r] / n;
    for (std::int64_t l = 0; l < p; ++l) {
      const double x = u_own(r, l);
      bundle[l] += x * x * x;
      bundle[p + l] += x * mean;
    }
    bundle[2 * p] += mean * mean;
  }
  bundle[2 * p + 1] = local_sum_squares;
  comm::allreduce_sum(grid.all(), bundle.data(), 2 * p + 2);
  std::vector<double> mu(static_cast<size_t>(p));  // mean pixel's coordinates, U^T r_m
  for (std::int64_t l = 0; l < p; ++l) {
    const double sign = bundle[l] < 0 ? -1.0 : 1.0;
    mu[l] = sign * bundle[p + l];
    for (std::int64_t c = 0; c < v_own.rows; ++c) v_own(c, l) *= sign;
  }
  const double mean_norm2 = bundle[2 * p];
  const double power_y = bundle[2 * p + 1] / n;

  // Pixel coordinates x_c = U^T V(:, c) = s .* v_c, owned H columns x p.
  const std::int64_t owned = v_own.rows;
  LocalMatrix<double> x(owned, p);
  for (std::int64_t c = 0; c < owned; ++c) {
    for (std::int64_t l = 0; l < p; ++l) x(c, l) = svd.values[l] * v_own(c, l);
  }

  // Covariance of the mean-removed pixels within the subspace:
  // diag(s^2) / n - mu mu^T. Its trace is VCA's signal power estimate.
  LocalMatrix<double> covariance(p, p);
  double trace = 0.0;
  for (std::int64_t a = 0; a < p; ++a) {
    for (std::int64_t b = 0; b < p; ++b) {
      covariance(a, b) = (a == b ? svd.values[a] * svd.values[a] / n : 0.0) - mu[a] * mu[b];
    }
    trace += covariance(a, a);
  }
  const double power_x = trace + mean_norm2;
  const double signal = power_x - static_cast<double>(p) / bands * power_y;
  const double noise = power_y - power_x;
  // Noise at rounding level counts as none, and with k = m the subspace is
  // the whole space: the estimate has nothing left to measure, and the data
  // are taken as they are (projectively), as for noiseless data.
  double snr_db = std::numeric_limits<double>::infinity();
  if (p < dist.rows() && noise > kNoiseFloor * power_y) {
    snr_db = signal > 0 ? 10.0 * std::log10(signal / noise) : -std::numeric_limits<double>::infinity();
  }
  const double snr_threshold = 15.0 + 10.0 * std::log10(static_cast<double>(p));

  LocalMatrix<double> y(owned, p);
  if (snr_db < snr_threshold) {
    // The p - 1 leading principal components, then a constant coordinate.
    const linalg::SmallSvd pca = linalg::small_svd(covariance);
    LocalMatrix<double> components(p, p - 1);
    for (std::int64_t l = 0; l < p - 1; ++l) {
      std::int64_t largest = 0;  // sign: largest entry positive (replicated data)
      for (std::int64_t a = 1; a < p; ++a)
        if (std::abs(pca.u(a, l)) > std::abs(pca.u(largest, l))) largest = a;
      const double sign = pca.u(largest, l) < 0 ? -1.0 : 1.0;
      for (std::int64_t a = 0; a < p; ++a) components(a, l) = sign * pca.u(a, l);
    }
    double largest_norm2 = 0.0;
    for (std::int64_t c = 0; c < owned; ++c) {
      double norm2 = 0.0;
      for (std::int64_t l = 0; l < p - 1; ++l) {
        double value = 0.0;
        for (std::int64_t a = 0; a < p; ++a) value += components(a, l) * (x(c, a) - mu[a]);
        y(c, l) = value;
        norm2 += value * value;
      }
      largest_norm2 = std::max(largest_norm2, norm2);
    }
    comm::allreduce_max(grid.all(), &largest_norm2, 1);
    const double constant = std::sqrt(largest_norm2);
    for (std::int64_t c = 0; c < owned; ++c) y(c, p - 1) = constant;
  } else {
    // Projective projection onto the plane mu^T y = 1.
    std::vector<double> denominators(static_cast<size_t>(owned));
    double largest = 0.0;
    for (std::int64_t c = 0; c < owned; ++c) {
      double d = 0.0;
      for (std::int64_t l = 0; l < p; ++l) d += mu[l] * x(c, l);
      denominators[c] = d;
      largest = std::max(largest, std::abs(d));
    }
    comm::allreduce_max(grid.all(), &largest, 1);
    for (std::int64_t c = 0; c < owned; ++c) {
      const double d = denominators[c];
      const double scale = d > kDenominatorFloor * largest ? 1.0 / d : 0.0;
      for (std::int64_t l = 0; l < p; ++l) y(c, l) = scale * x(c, l);
    }
  }

  const IndexRange h_cols = dist.owned_h_cols(grid.row(), grid.col());
  LocalMatrix<double> chosen(p, p);  // VCA's A: the chosen pixels' y, as columns
  chosen(p - 1, 0) = 1.0;
  std::vector<double> scores(static_cast<size_t>(owned));
  std::vector<std::int64_t> columns;
  for (std::int64_t i = 0; i < p; ++i) {
    std::vector<double> f(static_cast<size_t>(p));
    for (std::int64_t a = 0; a < p; ++a) {
      f[a] = random_uniform(seed, RandomStream::kVcaDirections, static_cast<std::uint64_t>(i * p + a));
    }
    for (const auto& b : column_basis(chosen)) {
      double dot = 0.0;
      for (std::int64_t a = 0; a < p; ++a) dot += b[a] * f[a];
      for (std::int64_t a = 0; a < p; ++a) f[a] -= dot * b[a];
    }
    double norm2 = 0.0;
    for (const double value : f) norm2 += value * value;
    const double inverse = norm2 > 0 ? 1.0 / std::sqrt(norm2) : 0.0;
    for (double& value : f) value *= inverse;
    for (std::int64_t c = 0; c < owned; ++c) {
      double dot = 0.0;
      for (std::int64_t a = 0; a < p; ++a) dot += f[a] * y(c, a);
      scores[c] = std::abs(dot);
    }
    // A pixel already taken scores 0 (f is orthogonal to it); never take it twice.
    for (const std::int64_t taken : columns)
      if (h_cols.contains(taken)) scores[taken - h_cols.begin] = -std::numeric_limits<double>::infinity();
    const std::int64_t column = detail::global_argmax(grid.all(), scores, h_cols.begin);
    columns.push_back(column);
    // The chosen pixel's y to every rank: its owner adds it to zeros (exact).
    std::vector<double> picked(static_cast<size_t>(p), 0.0);
    if (h_cols.contains(column)) {
      for (std::int64_t a = 0; a < p; ++a) picked[a] = y(column - h_cols.begin, a);
    }
    comm::allreduce_sum(grid.all(), picked.data(), p);
    for (std::int64_t a = 0; a < p; ++a) chosen(a, i) = picked[a];
  }
  return columns;
}

template std::vector<std::int64_t> vca_select_columns<double>(const ProcessGrid&,
                                                              const Distribution&,
                                                              const DataBlock<double>&,
                                                              std::int64_t, std::uint64_t);
template std::vector<std::int64_t> vca_select_columns<float>(const ProcessGrid&,
                                                             const Distribution&,
                                                             const DataBlock<float>&,
                                                             std::int64_t, std::uint64_t);

}  // namespace gridnmf
