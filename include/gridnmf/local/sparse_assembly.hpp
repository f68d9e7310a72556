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
// in any order: placed by counting, each panel row sorted by column,
// duplicates summed (in double, then rounded to T). Frees `entries` on the
// way; returns the number of duplicates summed in `duplicates`.
template <typename T>
SparseBlock<T> assemble_sparse_block(std::int64_t rows, std::int64_t cols,
                                     std::int64_t panel_cols, std::vector<SparseEntry>& entries,
                                     std::int64_t& duplicates);

}  // namespace gridnmf::local
