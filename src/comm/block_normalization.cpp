#include "gridnmf/comm/block_normalization.hpp"

#include <cmath>

#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/local/normalization_kernels.hpp"

namespace gridnmf::comm {

namespace {

// Calls the kernel overload for the block's storage.
template <typename T, typename Kernel>
void on_storage(DataBlock<T>& v_block, Kernel kernel) {
  if (v_block.is_sparse()) {
    kernel(v_block.mutable_sparse());
  } else {
    kernel(v_block.mutable_dense());
  }
}

// idf of the block rows, in internal order. Collective over the row communicator.
template <typename T>
std::vector<double> block_idf(const ProcessGrid& grid, const Distribution& dist,
                              DataBlock<T>& v_block) {
  std::vector<double> idf(static_cast<std::size_t>(v_block.rows()), 0.0);
  on_storage(v_block, [&](auto& block) { local::add_row_nonzero_counts(block, idf.data()); });
  allreduce_sum(grid.row_comm(), idf.data(), v_block.rows());
  const double n = static_cast<double>(dist.cols());
  for (double& value : idf) value = value > 0 ? std::log(n / value) : 0.0;
  return idf;
}

// The idf of every row in the input's order, from each grid row's block rows.
// Collective over grid.all().
std::vector<double> idf_in_input_order(const ProcessGrid& grid, const Distribution& dist,
                                       const InputOrder& order,
                                       const std::vector<double>& block_rows_idf) {
  std::vector<double> internal(static_cast<std::size_t>(dist.rows()), 0.0);
  if (grid.col() == 0) {  // one rank per grid row contributes its rows
    const IndexRange rows = dist.block_rows(grid.row());
    std::copy(block_rows_idf.begin(), block_rows_idf.end(), internal.begin() + rows.begin);
  }
  allreduce_sum(grid.all(), internal.data(), dist.rows());
  std::vector<double> input(internal.size());
  for (std::int64_t i = 0; i < dist.rows(); ++i) input[i] = internal[order.rows.forward(i)];
  return input;
}

}  // namespace

template <typename T>
NormalizationRecord normalize_block(const ProcessGrid& grid, const Distribution& dist,
                                    const InputOrder& order, Normalization kind,
                                    DataBlock<T>& v_block, const std::vector<double>* given_idf) {
  NormalizationRecord record;
  record.kind = kind;
  switch (kind) {
    case Normalization::kNone:
      break;
    case Normalization::kLog1p:
      on_storage(v_block, [](auto& block) { local::log1p_values(block.values); });
      break;
    case Normalization::kL1Columns: {
      std::vector<double> sums(static_cast<std::size_t>(v_block.cols()), 0.0);
      on_storage(v_block, [&](auto& block) { local::add_column_sums(block, sums.data()); });
      allreduce_sum(grid.col_comm(), sums.data(), v_block.cols());
      for (double& sum : sums) sum = sum > 0 ? 1.0 / sum : 1.0;
      on_storage(v_block, [&](auto& block) { local::scale_columns(block, sums.data()); });
      break;
    }
    case Normalization::kTfidf: {
      std::vector<double> idf;
      if (given_idf) {
        const IndexRange rows = dist.block_rows(grid.row());
        for (std::int64_t r = 0; r < rows.size; ++r) {
          idf.push_back((*given_idf)[order.rows.inverse(rows.begin + r)]);
        }
        record.idf = *given_idf;
      } else {
        idf = block_idf(grid, dist, v_block);
        record.idf = idf_in_input_order(grid, dist, order, idf);
      }
      on_storage(v_block, [&](auto& block) { local::scale_rows(block, idf.data()); });
      if (v_block.is_sparse()) {
        record.zeros_dropped = local::drop_stored_zeros(v_block.mutable_sparse());
        allreduce_sum(grid.all(), &record.zeros_dropped, 1);
      }
      break;
    }
  }
  return record;
}

template NormalizationRecord normalize_block<double>(const ProcessGrid&, const Distribution&,
                                                     const InputOrder&, Normalization,
                                                     DataBlock<double>&,
                                                     const std::vector<double>*);
template NormalizationRecord normalize_block<float>(const ProcessGrid&, const Distribution&,
                                                    const InputOrder&, Normalization,
                                                    DataBlock<float>&, const std::vector<double>*);

}  // namespace gridnmf::comm
