#pragma once

#include <cstdint>
#include <vector>

#include "gridnmf/matrix/sparse_block.hpp"

namespace gridnmf::local {

// One stored entry of a block, in local indices (what the reader's
// all-to-all moves: 16 bytes).
struct SparseEntry {
  std::uint32_t row;
  std::uint32_t col;
  double value;
};

// Builds a block (panels of panel_cols columns, see SparseBlock) from entries
// that arrive in any order and in pieces, without ever holding them all:
// count() every piece once, then place() every piece again in the same
// multiset (the reader reads its file slices twice), then finish(). Only the
// block's own arrays grow with the entries.
template <typename T>
class SparseBlockBuilder {
 public:
  SparseBlockBuilder(std::int64_t rows, std::int64_t cols, std::int64_t panel_cols);

  void count(const std::vector<SparseEntry>& entries);
  void place(const std::vector<SparseEntry>& entries);
  // Sorts each panel row by column and sums duplicates (returned in
  // `duplicates`). The builder is empty afterwards.
  SparseBlock<T> finish(std::int64_t& duplicates);

 private:
  std::int64_t segment_of(const SparseEntry& entry) const {
    return static_cast<std::int64_t>(entry.col / block_.panel_cols) * block_.rows + entry.row;
  }
  void start_placing();

  SparseBlock<T> block_;
  std::vector<std::int64_t> cursor_;  // next free slot of each panel row while placing
  bool placing_ = false;
};

// The same in one call for entries held together (benchmarks, tests).
// Frees `entries`.
template <typename T>
SparseBlock<T> assemble_sparse_block(std::int64_t rows, std::int64_t cols,
                                     std::int64_t panel_cols, std::vector<SparseEntry>& entries,
                                     std::int64_t& duplicates);

}  // namespace gridnmf::local
