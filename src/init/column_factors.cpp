#include "gridnmf/init/column_factors.hpp"

#include <algorithm>
#include <string>

#include "column_selection.hpp"
#include "gridnmf/algorithms/bpp_update.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/local/blas.hpp"
#include "gridnmf/local/block_products.hpp"

namespace gridnmf {

template <typename T>
LocalMatrix<T> w_from_columns(const ProcessGrid& grid, const Distribution& dist,
                              const DataBlock<T>& v_block,
                              const std::vector<std::int64_t>& columns) {
  for (const std::int64_t column : columns) {
    if (column < 0 || column >= dist.cols()) {
      throw Error("column " + std::to_string(column) + " of V is outside [0, " +
                  std::to_string(dist.cols()) + ")");
    }
  }
  const LocalMatrix<double> rows = detail::column_rows(grid, dist, v_block.dense(), columns);
  const IndexRange block = dist.block_rows(grid.row());
  const IndexRange owned = dist.owned_w_rows(grid.row(), grid.col());
  const auto k = static_cast<std::int64_t>(columns.size());
  LocalMatrix<T> w_own(owned.size, k);
  for (std::int64_t r = 0; r < owned.size; ++r) {
    for (std::int64_t l = 0; l < k; ++l) {
      // Exact: the values came from T and were summed only with zeros.
      w_own(r, l) = static_cast<T>(rows(owned.begin - block.begin + r, l));
    }
  }
  return w_own;
}

template <typename T>
LocalMatrix<T> nnls_ht(const ProcessGrid& grid, const Distribution& dist,
                       const DataBlock<T>& v_block, const LocalMatrix<T>& w_own,
                       const Penalty& penalty, double sum_to_one_delta) {
  const std::int64_t k = w_own.cols;
  const IndexRange h_cols = dist.owned_h_cols(grid.row(), grid.col());

  // W^T W, reduced in double as the driver does.
  LocalMatrix<T> local_gram(k, k);
  local::gram(w_own.data(), w_own.rows, k, local_gram.data());
  std::vector<double> reduced(local_gram.values.begin(), local_gram.values.end());
  comm::allreduce_sum(grid.all(), reduced.data(), k * k);

  LocalMatrix<T> w_i(v_block.rows(), k);
  comm::allgather_rows(grid.row_comm(), w_own.data(), dist.w_piece_sizes(grid.row()), k,
                       w_i.data());
  LocalMatrix<T> partial(v_block.cols(), k);
  local::BlockProducts<T> products(v_block, k);
  products.transposed_v_times(w_i.data(), partial.data());
  LocalMatrix<T> vtw_own(h_cols.size, k);
  comm::reduce_scatter_rows(grid.col_comm(), partial.data(), dist.h_piece_sizes(grid.col()), k,
                            vtw_own.data());

  // The appended row delta * 1^T of V and W adds delta^2 to every entry of
  // W^T W and of W^T V: local corrections, no communication.
  const double correction = sum_to_one_delta * sum_to_one_delta;
  LocalMatrix<T> gram(k, k);
  for (std::int64_t i = 0; i < k * k; ++i) gram.values[i] = static_cast<T>(reduced[i] + correction);
  if (correction > 0) {
    for (T& x : vtw_own.values) x += static_cast<T>(correction);
  }

  LocalMatrix<T> ht_own(h_cols.size, k);  // zeros: a cold start
  BppUpdate<T> solver;
  solver.update(ht_own, vtw_own, gram, penalty);
  return ht_own;
}

template LocalMatrix<double> w_from_columns<double>(const ProcessGrid&, const Distribution&,
                                                    const DataBlock<double>&,
                                                    const std::vector<std::int64_t>&);
template LocalMatrix<float> w_from_columns<float>(const ProcessGrid&, const Distribution&,
                                                  const DataBlock<float>&,
                                                  const std::vector<std::int64_t>&);
template LocalMatrix<double> nnls_ht<double>(const ProcessGrid&, const Distribution&,
                                             const DataBlock<double>&,
                                             const LocalMatrix<double>&, const Penalty&, double);
template LocalMatrix<float> nnls_ht<float>(const ProcessGrid&, const Distribution&,
                                           const DataBlock<float>&, const LocalMatrix<float>&,
                                           const Penalty&, double);

}  // namespace gridnmf
