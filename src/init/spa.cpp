#include "gridnmf/init/spa.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "column_selection.hpp"
#include "gridnmf/comm/collectives.hpp"

namespace gridnmf {

namespace {

// A column whose part outside the span of the chosen ones is below this
// fraction of its norm (or of the largest column norm) adds no direction:
// that part is rounding noise, not data.
constexpr double kSpanTolerance = 1e-10;
// Squared residuals below this fraction of the largest squared column norm
// count as zero when choosing.
constexpr double kResidualFloor = 1e-12;

}  // namespace

template <typename T>
std::vector<std::int64_t> spa_select_columns(const ProcessGrid& grid, const Distribution& dist,
                                             const DataBlock<T>& v_data, std::int64_t k) {
  const LocalMatrix<T>& v_block = v_data.dense();  // SPA reads columns: dense input only
  detail::check_column_count("SPA", k, dist);
  const std::int64_t m_i = v_block.rows;
  const std::int64_t n_j = v_block.cols;
  const IndexRange my_cols = dist.block_cols(grid.col());

  // Squared column norms of V: local sums over the block's rows, then over the grid column.
  std::vector<double> residual(static_cast<size_t>(n_j), 0.0);
  for (std::int64_t r = 0; r < m_i; ++r) {
    for (std::int64_t c = 0; c < n_j; ++c) {
      const double x = static_cast<double>(v_block(r, c));
      residual[c] += x * x;
    }
  }
  comm::allreduce_sum(grid.col_comm(), residual.data(), n_j);
  // Residuals below this are rounding noise (the squared norms minus squared
  // projections cancel to about 1e-16 of the norm): they count as zero, so once
  // V is exhausted (k above its rank) the smallest unchosen index is taken, the
  // same on every grid, instead of whichever noise is largest.
  double largest_norm2 = 0.0;
  for (const double x : residual) largest_norm2 = std::max(largest_norm2, x);
  comm::allreduce_max(grid.all(), &largest_norm2, 1);
  const double noise_floor = kResidualFloor * largest_norm2;

  std::vector<std::vector<double>> basis;  // rows R_i of the orthonormal directions
  std::vector<char> chosen(static_cast<size_t>(n_j), 0);
  std::vector<double> scores(static_cast<size_t>(n_j));
  std::vector<double> projection(static_cast<size_t>(n_j));
  std::vector<std::int64_t> columns;
  for (std::int64_t step = 0; step < k; ++step) {
    for (std::int64_t c = 0; c < n_j; ++c) {
      scores[c] = chosen[c] ? -std::numeric_limits<double>::infinity()
                            : (residual[c] > noise_floor ? residual[c] : 0.0);
    }
    const std::int64_t column = detail::global_argmax(grid.all(), scores, my_cols.begin);
    columns.push_back(column);
    if (my_cols.contains(column)) chosen[column - my_cols.begin] = 1;

    // The column's rows R_i, orthogonalised against the basis by classical
    // Gram-Schmidt run twice (one pass loses orthogonality on close columns).
    const LocalMatrix<double> piece = detail::column_rows(grid, dist, v_block, {column});
    std::vector<double> u = piece.values;
    const auto t = static_cast<std::int64_t>(basis.size());
    double original_norm2 = 0.0;
    for (double x : u) original_norm2 += x * x;
    comm::allreduce_sum(grid.col_comm(), &original_norm2, 1);
    for (int pass = 0; pass < 2; ++pass) {
      std::vector<double> coefficients(static_cast<size_t>(t), 0.0);
      for (std::int64_t l = 0; l < t; ++l) {
        for (std::int64_t r = 0; r < m_i; ++r) coefficients[l] += basis[l][r] * u[r];
      }
      comm::allreduce_sum(grid.col_comm(), coefficients.data(), t);
      for (std::int64_t l = 0; l < t; ++l) {
        for (std::int64_t r = 0; r < m_i; ++r) u[r] -= coefficients[l] * basis[l][r];
      }
    }
    double norm2 = 0.0;
    for (double x : u) norm2 += x * x;
    comm::allreduce_sum(grid.col_comm(), &norm2, 1);
    // Every rank must take the same branch: agree on it over the whole grid.
    std::int64_t adds_direction =
        norm2 > kSpanTolerance * kSpanTolerance * original_norm2 && norm2 > 0 ? 1 : 0;
    comm::allreduce_min(grid.all(), &adds_direction, 1);
    if (!adds_direction || step + 1 == k) continue;  // the last direction is never used

    const double inverse_norm = 1.0 / std::sqrt(norm2);
    for (double& x : u) x *= inverse_norm;
    std::fill(projection.begin(), projection.end(), 0.0);
    detail::add_column_projections(v_block, u.data(), projection.data());
    comm::allreduce_sum(grid.col_comm(), projection.data(), n_j);
    for (std::int64_t c = 0; c < n_j; ++c) residual[c] -= projection[c] * projection[c];
    basis.push_back(std::move(u));
  }
  return columns;
}

template std::vector<std::int64_t> spa_select_columns<double>(const ProcessGrid&,
                                                              const Distribution&,
                                                              const DataBlock<double>&,
                                                              std::int64_t);
template std::vector<std::int64_t> spa_select_columns<float>(const ProcessGrid&,
                                                             const Distribution&,
                                                             const DataBlock<float>&,
                                                             std::int64_t);

}  // namespace gridnmf
