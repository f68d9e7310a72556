#include "gridnmf/comm/factor_order.hpp"

#include <algorithm>

#include "gridnmf/comm/exchange.hpp"

namespace gridnmf::comm {

namespace {

// Moves the rows of `own` (global positions first .. first + rows - 1) to
// position destination(p) on the rank owner(destination(p)).
template <typename T, typename Destination, typename Owner>
LocalMatrix<T> move_rows(const ProcessGrid& grid, std::int64_t first, const LocalMatrix<T>& own,
                         Destination destination, Owner owner) {
  const std::int64_t k = own.cols;
  const int ranks = grid.size();
  std::vector<std::int64_t> targets(static_cast<std::size_t>(own.rows));
  std::vector<int> ranks_of(static_cast<std::size_t>(own.rows));
  std::vector<std::int64_t> counts(static_cast<std::size_t>(ranks), 0);
  for (std::int64_t t = 0; t < own.rows; ++t) {
    targets[t] = destination(first + t);
    ranks_of[t] = owner(targets[t]);
    ++counts[ranks_of[t]];
  }
  std::vector<std::int64_t> offsets(static_cast<std::size_t>(ranks) + 1, 0);
  for (int r = 0; r < ranks; ++r) offsets[r + 1] = offsets[r] + counts[r];
  std::vector<std::int64_t> positions(static_cast<std::size_t>(own.rows));
  std::vector<T> values(static_cast<std::size_t>(own.size()));
  for (std::int64_t t = 0; t < own.rows; ++t) {
    const std::int64_t slot = offsets[ranks_of[t]]++;
    positions[slot] = targets[t];
    std::copy_n(own.data() + t * k, k, values.data() + slot * k);
  }
  std::vector<std::int64_t> value_counts(counts);
  for (std::int64_t& count : value_counts) count *= k;
  const std::vector<std::int64_t> arrived = exchange(grid.all(), positions, counts);
  const std::vector<T> rows = exchange(grid.all(), values, value_counts);
  LocalMatrix<T> out(own.rows, k);
  for (std::size_t t = 0; t < arrived.size(); ++t) {
    std::copy_n(rows.data() + t * k, k, out.data() + (arrived[t] - first) * k);
  }
  return out;
}

std::int64_t map_index(const IndexPermutation& order, OrderDirection direction,
                       std::int64_t position) {
  // Internal position p holds input index inverse(p); input index i sits at forward(i).
  return direction == OrderDirection::kToInput ? order.inverse(position) : order.forward(position);
}

}  // namespace

template <typename T>
LocalMatrix<T> reorder_w_rows(const ProcessGrid& grid, const Distribution& dist,
                              const IndexPermutation& rows, OrderDirection direction,
                              const LocalMatrix<T>& w_own) {
  if (rows.is_identity()) return w_own;
  const int pc = dist.grid_cols();
  return move_rows(
      grid, dist.owned_w_rows(grid.row(), grid.col()).begin, w_own,
      [&](std::int64_t p) { return map_index(rows, direction, p); },
      [&](std::int64_t row) {
        const auto [i, j] = dist.w_row_owner(row);
        return i * pc + j;
      });
}

template <typename T>
LocalMatrix<T> reorder_h_cols(const ProcessGrid& grid, const Distribution& dist,
                              const IndexPermutation& cols, OrderDirection direction,
                              const LocalMatrix<T>& ht_own) {
  if (cols.is_identity()) return ht_own;
  const int pc = dist.grid_cols();
  return move_rows(
      grid, dist.owned_h_cols(grid.row(), grid.col()).begin, ht_own,
      [&](std::int64_t p) { return map_index(cols, direction, p); },
      [&](std::int64_t col) {
        const auto [i, j] = dist.h_col_owner(col);
        return i * pc + j;
      });
}

#define GRIDNMF_INSTANTIATE_ORDER(T)                                                        \
  template LocalMatrix<T> reorder_w_rows<T>(const ProcessGrid&, const Distribution&,        \
                                            const IndexPermutation&, OrderDirection,        \
                                            const LocalMatrix<T>&);                         \
  template LocalMatrix<T> reorder_h_cols<T>(const ProcessGrid&, const Distribution&,        \
                                            const IndexPermutation&, OrderDirection,        \
                                            const LocalMatrix<T>&);
GRIDNMF_INSTANTIATE_ORDER(double)
GRIDNMF_INSTANTIATE_ORDER(float)
#undef GRIDNMF_INSTANTIATE_ORDER

}  // namespace gridnmf::comm
