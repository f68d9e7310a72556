#include "gridnmf/init/nndsvd.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/init/counter_random.hpp"

namespace gridnmf {

namespace {

enum Part { kPositiveU, kNegativeU, kPositiveV, kNegativeV, kParts };

// Squared norms of the positive and negative parts of every column of x,
// added into norms[column * kParts + offset + {0, 1}].
void add_part_norms(const LocalMatrix<double>& x, int offset, std::vector<double>& norms) {
  for (std::int64_t r = 0; r < x.rows; ++r)
    for (std::int64_t c = 0; c < x.cols; ++c) {
      const double value = x(r, c);
      norms[c * kParts + offset + (value >= 0 ? 0 : 1)] += value * value;
    }
}

// Which part of a singular vector a column of the start is made of.
enum class Take { kAbsolute, kPositive, kNegative };

double part(double value, Take take) {
  switch (take) {
    case Take::kAbsolute: return std::abs(value);
    case Take::kPositive: return std::max(value, 0.0);
    case Take::kNegative: return std::max(-value, 0.0);
  }
  return 0.0;
}

// One NNDSVD factor from singular vectors x (rows x k): column c is
// scale[c] * part(x_c, take[c]); entries below kNndsvdZero become zeros,
// which are then filled.
template <typename T>
LocalMatrix<T> nndsvd_factor(const LocalMatrix<double>& x, const std::vector<double>& scale,
                             const std::vector<Take>& take, NndsvdFill fill, double v_mean,
                             std::int64_t first_row, std::uint64_t seed, RandomStream stream) {
  LocalMatrix<T> out(x.rows, x.cols);
  const std::int64_t k = x.cols;
  for (std::int64_t r = 0; r < x.rows; ++r)
    for (std::int64_t c = 0; c < k; ++c) {
      double entry = scale[c] * part(x(r, c), take[c]);
      if (entry < kNndsvdZero) {
        entry = 0.0;
        if (fill == NndsvdFill::kMean) entry = v_mean;
        if (fill == NndsvdFill::kRandom) {
          const auto index = static_cast<std::uint64_t>((first_row + r) * k + c);
          entry = v_mean / 100.0 * random_uniform(seed, stream, index);
        }
      }
      out(r, c) = static_cast<T>(entry);
    }
  return out;
}

}  // namespace

template <typename T>
std::pair<LocalMatrix<T>, LocalMatrix<T>> nndsvd_factors(const ProcessGrid& grid,
                                                         const Distribution& dist,
                                                         const linalg::TruncatedSvd& svd,
                                                         NndsvdFill fill, double v_mean,
                                                         std::uint64_t seed) {
  const std::int64_t k = static_cast<std::int64_t>(svd.values.size());
  std::vector<double> norms(static_cast<size_t>(k * kParts), 0.0);
  add_part_norms(svd.u_own, kPositiveU, norms);
  add_part_norms(svd.v_own, kPositiveV, norms);
  comm::allreduce_sum(grid.all(), norms.data(), k * kParts);

  // Replicated from here: every rank makes the same choice for every pair.
  std::vector<double> scale_u(static_cast<size_t>(k), 0.0), scale_v(static_cast<size_t>(k), 0.0);
  std::vector<Take> take(static_cast<size_t>(k), Take::kAbsolute);
  for (std::int64_t c = 0; c < k; ++c) {
    const double* n = &norms[c * kParts];
    const double s = std::max(svd.values[c], 0.0);
    if (c == 0) {
      // The leading pair of a non-negative matrix has one sign: |u_0|, |v_0|.
      scale_u[0] = scale_v[0] = std::sqrt(s);
      continue;
    }
    const double up = std::sqrt(n[kPositiveU]), un = std::sqrt(n[kNegativeU]);
    const double vp = std::sqrt(n[kPositiveV]), vn = std::sqrt(n[kNegativeV]);
    const double product_p = up * vp, product_n = un * vn;
    const bool positive = product_p > product_n;
    take[c] = positive ? Take::kPositive : Take::kNegative;
    const double sigma = positive ? product_p : product_n;
    if (sigma <= 0.0) continue;  // both parts empty: a zero pair
    const double lambda = std::sqrt(s * sigma);
    scale_u[c] = lambda / (positive ? up : un);
    scale_v[c] = lambda / (positive ? vp : vn);
  }

  const IndexRange w_rows = dist.owned_w_rows(grid.row(), grid.col());
  const IndexRange h_cols = dist.owned_h_cols(grid.row(), grid.col());
  return {nndsvd_factor<T>(svd.u_own, scale_u, take, fill, v_mean, w_rows.begin, seed,
                           RandomStream::kFillW),
          nndsvd_factor<T>(svd.v_own, scale_v, take, fill, v_mean, h_cols.begin, seed,
                           RandomStream::kFillH)};
}

template std::pair<LocalMatrix<double>, LocalMatrix<double>> nndsvd_factors<double>(
    const ProcessGrid&, const Distribution&, const linalg::TruncatedSvd&, NndsvdFill, double,
    std::uint64_t);
template std::pair<LocalMatrix<float>, LocalMatrix<float>> nndsvd_factors<float>(
    const ProcessGrid&, const Distribution&, const linalg::TruncatedSvd&, NndsvdFill, double,
    std::uint64_t);

}  // namespace gridnmf
