#include "gridnmf/local/sparse_assembly.hpp"

#include <algorithm>
#include <type_traits>
#include <utility>

namespace gridnmf::local {

namespace {

// Sorts one panel row by column, moving the values along: insertion sort for
// the short rows sparse data has, a pair sort through `scratch` for long ones.
void sort_segment(std::int32_t* cols, double* values, std::int64_t count,
                  std::vector<std::pair<std::int32_t, double>>& scratch) {
  if (count <= 32) {
    for (std::int64_t i = 1; i < count; ++i) {
      const std::int32_t col = cols[i];
      const double value = values[i];
      std::int64_t j = i;
      for (; j > 0 && cols[j - 1] > col; --j) {
        cols[j] = cols[j - 1];
        values[j] = values[j - 1];
      }
      cols[j] = col;
      values[j] = value;
    }
    return;
  }
  scratch.resize(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) scratch[i] = {cols[i], values[i]};
  std::stable_sort(scratch.begin(), scratch.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::int64_t i = 0; i < count; ++i) {
    cols[i] = scratch[i].first;
    values[i] = scratch[i].second;
  }
}

}  // namespace

template <typename T>
SparseBlock<T> assemble_sparse_block(std::int64_t rows, std::int64_t cols,
                                     std::int64_t panel_cols, std::vector<SparseEntry>& entries,
                                     std::int64_t& duplicates) {
  SparseBlock<T> block;
  block.rows = rows;
  block.cols = cols;
  block.panel_cols = std::max<std::int64_t>(1, std::min(panel_cols, std::max<std::int64_t>(cols, 1)));
  const std::int64_t segments = block.panels() * rows;
  const auto segment_of = [&](const SparseEntry& entry) {
    return static_cast<std::int64_t>(entry.col / block.panel_cols) * rows + entry.row;
  };
  block.row_start.assign(static_cast<std::size_t>(segments + 1), 0);
  for (const SparseEntry& entry : entries) ++block.row_start[segment_of(entry) + 1];
  for (std::int64_t s = 0; s < segments; ++s) block.row_start[s + 1] += block.row_start[s];
  // Placed straight into the block's arrays (no second copy of the entries),
  // in double until duplicates are summed.
  std::vector<std::int32_t> cols_placed(entries.size());
  std::vector<double> values_placed(entries.size());
  {
    std::vector<std::int64_t> cursor(block.row_start.begin(), block.row_start.end() - 1);
    for (const SparseEntry& entry : entries) {
      const std::int64_t slot = cursor[segment_of(entry)]++;
      cols_placed[slot] = static_cast<std::int32_t>(entry.col);
      values_placed[slot] = entry.value;
    }
  }
  std::vector<SparseEntry>().swap(entries);
  duplicates = 0;
  std::int64_t kept = 0, begin = 0;
  std::vector<std::pair<std::int32_t, double>> long_segment;
  for (std::int64_t s = 0; s < segments; ++s) {
    const std::int64_t end = block.row_start[s + 1];
    sort_segment(cols_placed.data() + begin, values_placed.data() + begin, end - begin,
                 long_segment);
    block.row_start[s] = kept;
    for (std::int64_t e = begin; e < end; ++e) {
      // Runs of equal columns collapse into their first slot (kept <= e).
      if (e > begin && cols_placed[e] == cols_placed[kept - 1]) {
        values_placed[kept - 1] += values_placed[e];
        ++duplicates;
        continue;
      }
      cols_placed[kept] = cols_placed[e];
      values_placed[kept] = values_placed[e];
      ++kept;
    }
    begin = end;
  }
  block.row_start[segments] = kept;
  cols_placed.resize(static_cast<std::size_t>(kept));
  cols_placed.shrink_to_fit();
  block.col_index = std::move(cols_placed);
  if constexpr (std::is_same_v<T, double>) {
    values_placed.resize(static_cast<std::size_t>(kept));
    block.values = std::move(values_placed);  // no second copy of the values
  } else {
    block.values.assign(values_placed.begin(), values_placed.begin() + kept);
  }
  return block;
}

template SparseBlock<double> assemble_sparse_block<double>(std::int64_t, std::int64_t,
                                                           std::int64_t, std::vector<SparseEntry>&,
                                                           std::int64_t&);
template SparseBlock<float> assemble_sparse_block<float>(std::int64_t, std::int64_t, std::int64_t,
                                                         std::vector<SparseEntry>&,
                                                         std::int64_t&);

}  // namespace gridnmf::local
