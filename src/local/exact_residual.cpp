#include "gridnmf/local/exact_residual.hpp"

#include <algorithm>
#include <vector>

#include "gridnmf/local/blas.hpp"

namespace gridnmf::local {

namespace {

// Calls visit(r, e) for every stored entry e of row r of a panelled CSR block.
template <typename T, typename Visit>
void for_each_entry_of_row(const SparseBlock<T>& a, std::int64_t r, Visit visit) {
  for (std::int64_t p = 0; p < a.panels(); ++p) {
    const std::int64_t* start = a.row_start.data() + p * a.rows;
    for (std::int64_t e = start[r]; e < start[r + 1]; ++e) visit(e);
  }
}

}  // namespace

template <typename T>
double block_squared_residual(const DataBlock<T>& v, const T* w, const T* ht, std::int64_t k) {
  const std::int64_t rows = v.rows();
  const std::int64_t cols = v.cols();
  if (rows == 0 || cols == 0) return 0.0;
  const std::int64_t tile_rows =
      std::max<std::int64_t>(1, std::min(rows, kResidualTileEntries / cols));
  std::vector<T> tile(static_cast<size_t>(tile_rows * cols));
  double sum = 0.0;
  for (std::int64_t r0 = 0; r0 < rows; r0 += tile_rows) {
    const std::int64_t tr = std::min(tile_rows, rows - r0);
    gemm(false, true, tr, cols, k, T(1), w + r0 * k, k, ht, k, T(0), tile.data(), cols);
    if (!v.is_sparse()) {
      const T* v_rows = v.dense().data() + r0 * cols;
      for (std::int64_t i = 0; i < tr * cols; ++i) {
        const double d = static_cast<double>(v_rows[i]) - static_cast<double>(tile[i]);
        sum += d * d;
      }
      continue;
    }
    // Sparse: the stored entries' residual, then their places zeroed so the
    // rest of the tile is the zeros' (WH)^2, each term summed directly.
    const SparseBlock<T>& a = v.sparse();
    for (std::int64_t r = r0; r < r0 + tr; ++r) {
      T* fitted = tile.data() + (r - r0) * cols;
      for_each_entry_of_row(a, r, [&](std::int64_t e) {
        T& y = fitted[a.col_index[e]];
        const double d = static_cast<double>(a.values[e]) - static_cast<double>(y);
        sum += d * d;
        y = T(0);
      });
    }
    for (std::int64_t i = 0; i < tr * cols; ++i) {
      sum += static_cast<double>(tile[i]) * static_cast<double>(tile[i]);
    }
  }
  return sum;
}

template <typename T>
NonzeroResidual sparse_residual_at_nonzeros(const SparseBlock<T>& v, const T* w, const T* ht,
                                            std::int64_t k) {
  NonzeroResidual sums;
  for (std::int64_t r = 0; r < v.rows; ++r) {
    for_each_entry_of_row(v, r, [&](std::int64_t e) {
      const T* ht_row = ht + static_cast<std::int64_t>(v.col_index[e]) * k;
      double wh = 0.0;
      for (std::int64_t l = 0; l < k; ++l) {
        wh += static_cast<double>(w[r * k + l]) * static_cast<double>(ht_row[l]);
      }
      const double d = static_cast<double>(v.values[e]) - wh;
      sums.residual += d * d;
      sums.fitted += wh * wh;
    });
  }
  return sums;
}

template double block_squared_residual<double>(const DataBlock<double>&, const double*,
                                               const double*, std::int64_t);
template double block_squared_residual<float>(const DataBlock<float>&, const float*,
                                              const float*, std::int64_t);
template NonzeroResidual sparse_residual_at_nonzeros<double>(const SparseBlock<double>&,
                                                             const double*, const double*,
                                                             std::int64_t);
template NonzeroResidual sparse_residual_at_nonzeros<float>(const SparseBlock<float>&,
                                                            const float*, const float*,
                                                            std::int64_t);

}  // namespace gridnmf::local
