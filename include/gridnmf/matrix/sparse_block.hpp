#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace gridnmf {

// A sparse block held by one rank, as CSR cut into column panels: the block's
// columns are split into panels of panel_cols, and the entries of panel p,
// row r are [row_start[p * rows + r], row_start[p * rows + r + 1]) of
// col_index and values, columns ascending and unique. With one panel it is
// plain CSR. Panels keep the factor rows a product touches within cache
// (local/sparse_products.hpp). Column indices are local to the block (32 bits:
// a block has fewer than 2^31 columns, checked when it is built), which keeps
// an entry at 12 bytes in double and 8 in float.
template <typename T>
struct SparseBlock {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::int64_t panel_cols = 1;
  std::vector<std::int64_t> row_start;  // panels() * rows + 1 offsets
  std::vector<std::int32_t> col_index;
  std::vector<T> values;

  std::int64_t panels() const {
    return std::max<std::int64_t>(1, (cols + panel_cols - 1) / std::max<std::int64_t>(panel_cols, 1));
  }
  std::int64_t nonzeros() const { return static_cast<std::int64_t>(values.size()); }
  // Bytes of the three arrays (for the report and the memory check).
  std::int64_t bytes() const {
    return static_cast<std::int64_t>(row_start.size() * sizeof(std::int64_t) +
                                     col_index.size() * sizeof(std::int32_t) +
                                     values.size() * sizeof(T));
  }
};

}  // namespace gridnmf
