#pragma once

#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/matrix/index_permutation.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf::comm {

// The order a matrix is factorized in: row r of the input is internal row
// rows.forward(r), column c internal column cols.forward(c). A sparse input is
// read permuted to even out the nonzeros per rank; starts drawn by global
// index, --init files, checkpoints and results use the input's order, so the
// factors move between the two orders (once at the start, once per write).
struct InputOrder {
  IndexPermutation rows;
  IndexPermutation cols;

  static InputOrder identity(std::int64_t m, std::int64_t n) {
    return {IndexPermutation::identity(m), IndexPermutation::identity(n)};
  }
  bool is_identity() const { return rows.is_identity() && cols.is_identity(); }
};

enum class OrderDirection { kToInput, kToInternal };

// This rank's owned W rows (rows x k) in the other order: the same owned
// index range of `dist`, holding the rows that belong there. An identity
// permutation returns a copy. Collective over grid.all() (one exchange).
template <typename T>
LocalMatrix<T> reorder_w_rows(const ProcessGrid& grid, const Distribution& dist,
                              const IndexPermutation& rows, OrderDirection direction,
                              const LocalMatrix<T>& w_own);

// The same for the owned H columns, stored transposed (columns x k).
template <typename T>
LocalMatrix<T> reorder_h_cols(const ProcessGrid& grid, const Distribution& dist,
                              const IndexPermutation& cols, OrderDirection direction,
                              const LocalMatrix<T>& ht_own);

// Both owned pieces at once, in place. Collective over grid.all().
template <typename T>
void reorder_factors(const ProcessGrid& grid, const Distribution& dist, const InputOrder& order,
                     OrderDirection direction, LocalMatrix<T>& w_own, LocalMatrix<T>& ht_own) {
  if (order.is_identity()) return;
  w_own = reorder_w_rows(grid, dist, order.rows, direction, w_own);
  ht_own = reorder_h_cols(grid, dist, order.cols, direction, ht_own);
}

}  // namespace gridnmf::comm
