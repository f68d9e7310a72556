#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "gridnmf/matrix/block_range.hpp"

namespace gridnmf {

// Who owns what, for V (m x n), W (m x k) and H (k x n) on a pr x pc grid.
// Pure index arithmetic (no MPI, no storage), the same on every rank.
//   V: rank (i, j) holds rows R_i x columns C_j.
//   W: the rows R_i are split among the pc ranks of grid row i; (i, j) owns piece j.
//   H: the columns C_j are split among the pr ranks of grid column j; (i, j) owns piece i.
class Distribution {
 public:
  // Throws UsageError unless 1 <= pr <= m and 1 <= pc <= n (every V block non-empty).
  Distribution(std::int64_t m, std::int64_t n, int pr, int pc);

  std::int64_t rows() const { return m_; }
  std::int64_t cols() const { return n_; }
  int grid_rows() const { return pr_; }
  int grid_cols() const { return pc_; }

  IndexRange block_rows(int i) const;      // R_i
  IndexRange block_cols(int j) const;      // C_j
  IndexRange owned_w_rows(int i, int j) const;
  IndexRange owned_h_cols(int i, int j) const;

  // The grid coordinates (i, j) of the rank owning W row `row`, H column `col`,
  // and the block of V holding entry (row, col).
  std::pair<int, int> w_row_owner(std::int64_t row) const;
  std::pair<int, int> h_col_owner(std::int64_t col) const;
  std::pair<int, int> block_owner(std::int64_t row, std::int64_t col) const;
  // Sizes of the W pieces of grid row i, in grid-column order (allgatherv counts).
  std::vector<std::int64_t> w_piece_sizes(int i) const;
  // Sizes of the H pieces of grid column j, in grid-row order.
  std::vector<std::int64_t> h_piece_sizes(int j) const;

 private:
  std::int64_t m_;
  std::int64_t n_;
  int pr_;
  int pc_;
};

}  // namespace gridnmf
