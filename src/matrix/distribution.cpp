#include "gridnmf/matrix/distribution.hpp"

#include <string>

#include "gridnmf/error.hpp"

namespace gridnmf {

Distribution::Distribution(std::int64_t m, std::int64_t n, int pr, int pc)
    : m_(m), n_(n), pr_(pr), pc_(pc) {
  if (m < 1 || n < 1) {
    throw UsageError("matrix must have at least one row and one column, got " +
                     std::to_string(m) + " x " + std::to_string(n));
  }
  if (pr < 1 || pc < 1) {
    throw UsageError("grid dimensions must be positive, got " + std::to_string(pr) + "x" +
                     std::to_string(pc));
  }
  if (pr > m) {
    throw UsageError("grid has " + std::to_string(pr) + " rows but the matrix only " +
                     std::to_string(m) + "; use fewer grid rows (--grid)");
  }
  if (pc > n) {
    throw UsageError("grid has " + std::to_string(pc) + " columns but the matrix only " +
                     std::to_string(n) + "; use fewer grid columns (--grid)");
  }
}

IndexRange Distribution::block_rows(int i) const { return block_range(m_, pr_, i); }
IndexRange Distribution::block_cols(int j) const { return block_range(n_, pc_, j); }

IndexRange Distribution::owned_w_rows(int i, int j) const {
  return sub_range(block_rows(i), pc_, j);
}

IndexRange Distribution::owned_h_cols(int i, int j) const {
  return sub_range(block_cols(j), pr_, i);
}

std::pair<int, int> Distribution::w_row_owner(std::int64_t row) const {
  const int i = block_of(m_, pr_, row);
  const IndexRange rows = block_rows(i);
  return {i, block_of(rows.size, pc_, row - rows.begin)};
}

std::pair<int, int> Distribution::h_col_owner(std::int64_t col) const {
  const int j = block_of(n_, pc_, col);
  const IndexRange cols = block_cols(j);
  return {block_of(cols.size, pr_, col - cols.begin), j};
}

std::pair<int, int> Distribution::block_owner(std::int64_t row, std::int64_t col) const {
  return {block_of(m_, pr_, row), block_of(n_, pc_, col)};
}

std::vector<std::int64_t> Distribution::w_piece_sizes(int i) const {
  std::vector<std::int64_t> sizes(pc_);
  for (int j = 0; j < pc_; ++j) sizes[j] = owned_w_rows(i, j).size;
  return sizes;
}

std::vector<std::int64_t> Distribution::h_piece_sizes(int j) const {
  std::vector<std::int64_t> sizes(pr_);
  for (int i = 0; i < pr_; ++i) sizes[i] = owned_h_cols(i, j).size;
  return sizes;
}

}  // namespace gridnmf
