#include "gridnmf/matrix/block_range.hpp"

#include <algorithm>

namespace gridnmf {

IndexRange block_range(std::int64_t total, int parts, int part) {
  const std::int64_t base = total / parts;
  const std::int64_t extra = total % parts;
  IndexRange range;
  range.begin = part * base + std::min<std::int64_t>(part, extra);
  range.size = base + (part < extra ? 1 : 0);
  return range;
}

int block_of(std::int64_t total, int parts, std::int64_t index) {
  const std::int64_t base = total / parts;
  const std::int64_t extra = total % parts;
  const std::int64_t long_part_end = extra * (base + 1);  // the first `extra` pieces have base + 1
  if (index < long_part_end) return static_cast<int>(index / (base + 1));
  return static_cast<int>(extra + (index - long_part_end) / base);
}

IndexRange sub_range(const IndexRange& range, int parts, int part) {
  IndexRange piece = block_range(range.size, parts, part);
  piece.begin += range.begin;
  return piece;
}

}  // namespace gridnmf
