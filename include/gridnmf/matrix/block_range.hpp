#pragma once

#include <cstdint>

namespace gridnmf {

// A half-open range [begin, begin + size) of global indices.
struct IndexRange {
  std::int64_t begin = 0;
  std::int64_t size = 0;
  std::int64_t end() const { return begin + size; }
  bool contains(std::int64_t index) const { return index >= begin && index < end(); }
};

// The `part`-th of `parts` near-equal consecutive pieces of [0, total):
// the first total % parts pieces get one extra index. Pure arithmetic.
IndexRange block_range(std::int64_t total, int parts, int part);

// Which of the `parts` pieces of block_range(total, parts, .) holds `index`
// (0 <= index < total). Pure arithmetic, O(1).
int block_of(std::int64_t total, int parts, std::int64_t index);

// Same, splitting an existing range instead of [0, total).
IndexRange sub_range(const IndexRange& range, int parts, int part);

}  // namespace gridnmf
