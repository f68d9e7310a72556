#include "gridnmf/comm/kl_scale.hpp"

#include <cmath>
#include <vector>

#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/local/normalization_kernels.hpp"

namespace gridnmf::comm {

namespace {

double sum_x_log_x(const std::vector<double>& values) {
  double sum = 0.0;
  for (const double value : values) {
    if (value > 0) sum += value * std::log(value);
  }
  return sum;
}

}  // namespace

template <typename T>
KlScale kl_scale(const ProcessGrid& grid, const DataBlock<T>& v_block) {
  std::vector<double> row_sums(static_cast<std::size_t>(v_block.rows()), 0.0);
  std::vector<double> col_sums(static_cast<std::size_t>(v_block.cols()), 0.0);
  // sum v log v, sum r log r, sum c log c, nonzeros, S.
  double terms[5] = {0.0, 0.0, 0.0, 0.0, 0.0};
  if (v_block.is_sparse()) {
    local::add_row_sums(v_block.sparse(), row_sums.data());
    local::add_column_sums(v_block.sparse(), col_sums.data());
  } else {
    local::add_row_sums(v_block.dense(), row_sums.data());
    local::add_column_sums(v_block.dense(), col_sums.data());
  }
  terms[0] = local::sum_v_log_v(v_block.stored_values());
  for (const T value : v_block.stored_values()) terms[3] += value != T(0) ? 1.0 : 0.0;
  allreduce_sum(grid.row_comm(), row_sums.data(), v_block.rows());
  allreduce_sum(grid.col_comm(), col_sums.data(), v_block.cols());
  // Every rank of a grid row holds the same full row sums: one counts them.
  if (grid.col() == 0) terms[1] = sum_x_log_x(row_sums);
  if (grid.row() == 0) terms[2] = sum_x_log_x(col_sums);
  if (grid.col() == 0) {
    for (const double sum : row_sums) terms[4] += sum;
  }
  allreduce_sum(grid.all(), terms, 5);
  const double total = terms[4];
  KlScale scale;
  scale.nonzeros = static_cast<std::int64_t>(terms[3]);
  scale.mean_model_divergence =
      total > 0 ? terms[0] - terms[1] - terms[2] + total * std::log(total) : 0.0;
  return scale;
}

template KlScale kl_scale<double>(const ProcessGrid&, const DataBlock<double>&);
template KlScale kl_scale<float>(const ProcessGrid&, const DataBlock<float>&);

}  // namespace gridnmf::comm
