#include "column_selection.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"

namespace gridnmf::detail {

std::int64_t global_argmax(MPI_Comm comm, const std::vector<double>& scores,
                           std::int64_t first_index) {
  double best = -std::numeric_limits<double>::infinity();
  std::int64_t best_index = std::numeric_limits<std::int64_t>::max();
  for (size_t c = 0; c < scores.size(); ++c) {
    // Strictly greater: the first (smallest) index keeps a tie.
    if (scores[c] > best) {
      best = scores[c];
      best_index = first_index + static_cast<std::int64_t>(c);
    }
  }
  double global_best = best;
  comm::allreduce_max(comm, &global_best, 1);
  if (!(global_best > -std::numeric_limits<double>::infinity())) return -1;
  std::int64_t candidate =
      best == global_best ? best_index : std::numeric_limits<std::int64_t>::max();
  comm::allreduce_min(comm, &candidate, 1);
  return candidate;
}

template <typename T>
LocalMatrix<double> column_rows(const ProcessGrid& grid, const Distribution& dist,
                                const LocalMatrix<T>& v_block,
                                const std::vector<std::int64_t>& columns) {
  const IndexRange mine = dist.block_cols(grid.col());
  const auto count = static_cast<std::int64_t>(columns.size());
  LocalMatrix<double> rows(v_block.rows, count);
  for (std::int64_t l = 0; l < count; ++l) {
    if (!mine.contains(columns[l])) continue;
    const std::int64_t c = columns[l] - mine.begin;
    for (std::int64_t r = 0; r < v_block.rows; ++r) rows(r, l) = static_cast<double>(v_block(r, c));
  }
  comm::allreduce_sum(grid.row_comm(), rows.data(), rows.size());
  return rows;
}

template <typename T>
void add_column_projections(const LocalMatrix<T>& v_block, const double* u, double* out) {
  const std::int64_t cols = v_block.cols;
  for (std::int64_t r = 0; r < v_block.rows; ++r) {
    const double weight = u[r];
    if (weight == 0.0) continue;
    const T* row = v_block.data() + r * cols;
    for (std::int64_t c = 0; c < cols; ++c) out[c] += weight * static_cast<double>(row[c]);
  }
}

void check_column_count(const char* method, std::int64_t k, const Distribution& dist) {
  if (k < 1 || k > dist.cols()) {
    throw Error(std::string(method) + " needs 1 <= k <= n = " + std::to_string(dist.cols()) +
                " columns to choose from, got k = " + std::to_string(k));
  }
}

template LocalMatrix<double> column_rows<double>(const ProcessGrid&, const Distribution&,
                                                 const LocalMatrix<double>&,
                                                 const std::vector<std::int64_t>&);
template LocalMatrix<double> column_rows<float>(const ProcessGrid&, const Distribution&,
                                                const LocalMatrix<float>&,
                                                const std::vector<std::int64_t>&);
template void add_column_projections<double>(const LocalMatrix<double>&, const double*, double*);
template void add_column_projections<float>(const LocalMatrix<float>&, const double*, double*);

}  // namespace gridnmf::detail
