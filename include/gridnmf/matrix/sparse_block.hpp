#pragma once

#include <cstdint>
#include <vector>

namespace gridnmf {

// A sparse block held by one rank in CSR: row r's entries are
// [row_start[r], row_start[r + 1]) of col_index and values, columns ascending
// and unique. Column indices are local to the block (32 bits: a block has
// fewer than 2^31 columns, checked when it is built), which keeps an entry at
// 12 bytes in double and 8 in float.
template <typename T>
struct SparseBlock {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::vector<std::int64_t> row_start;  // rows + 1 offsets
  std::vector<std::int32_t> col_index;
  std::vector<T> values;

  std::int64_t nonzeros() const { return static_cast<std::int64_t>(values.size()); }
  // Bytes of the three arrays (for the report and the memory check).
  std::int64_t bytes() const {
    return static_cast<std::int64_t>(row_start.size() * sizeof(std::int64_t) +
                                     col_index.size() * sizeof(std::int32_t) +
                                     values.size() * sizeof(T));
  }
};

}  // namespace gridnmf
