#include "gridnmf/local/sparse_assembly.hpp"

#include <algorithm>
#include <utility>

namespace gridnmf::local {

namespace {

// Sorts one panel row by column, moving the values along: insertion sort for
// the short rows sparse data has, a pair sort through `scratch` for long ones.
template <typename T>
void sort_segment(std::int32_t* cols, T* values, std::int64_t count,
                  std::vector<std::pair<std::int32_t, T>>& scratch) {
  if (count <= 32) {
    for (std::int64_t i = 1; i < count; ++i) {
      const std::int32_t col = cols[i];
      const T value = values[i];
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
SparseBlockBuilder<T>::SparseBlockBuilder(std::int64_t rows, std::int64_t cols,
                                          std::int64_t panel_cols) {
  block_.rows = rows;
  block_.cols = cols;
  block_.panel_cols =
      std::max<std::int64_t>(1, std::min(panel_cols, std::max<std::int64_t>(cols, 1)));
  block_.row_start.assign(static_cast<std::size_t>(block_.panels() * rows + 1), 0);
}

template <typename T>
void SparseBlockBuilder<T>::count(const std::vector<SparseEntry>& entries) {
  for (const SparseEntry& entry : entries) ++block_.row_start[segment_of(entry) + 1];
}

template <typename T>
void SparseBlockBuilder<T>::start_placing() {
  const std::int64_t segments = block_.panels() * block_.rows;
  for (std::int64_t s = 0; s < segments; ++s) block_.row_start[s + 1] += block_.row_start[s];
  cursor_.assign(block_.row_start.begin(), block_.row_start.end() - 1);
  block_.col_index.resize(static_cast<std::size_t>(block_.row_start[segments]));
  block_.values.resize(static_cast<std::size_t>(block_.row_start[segments]));
  placing_ = true;
}

template <typename T>
void SparseBlockBuilder<T>::place(const std::vector<SparseEntry>& entries) {
  if (!placing_) start_placing();
  for (const SparseEntry& entry : entries) {
    const std::int64_t slot = cursor_[segment_of(entry)]++;
    block_.col_index[slot] = static_cast<std::int32_t>(entry.col);
    block_.values[slot] = static_cast<T>(entry.value);
  }
}

template <typename T>
SparseBlock<T> SparseBlockBuilder<T>::finish(std::int64_t& duplicates) {
  if (!placing_) start_placing();
  std::vector<std::int64_t>().swap(cursor_);
  const std::int64_t segments = block_.panels() * block_.rows;
  std::int32_t* cols = block_.col_index.data();
  T* values = block_.values.data();
  duplicates = 0;
  std::int64_t kept = 0, begin = 0;
  std::vector<std::pair<std::int32_t, T>> long_segment;
  for (std::int64_t s = 0; s < segments; ++s) {
    const std::int64_t end = block_.row_start[s + 1];
    sort_segment(cols + begin, values + begin, end - begin, long_segment);
    block_.row_start[s] = kept;
    for (std::int64_t e = begin; e < end; ++e) {
      // Runs of equal columns collapse into their first slot (kept <= e).
      if (e > begin && cols[e] == cols[kept - 1]) {
        values[kept - 1] += values[e];
        ++duplicates;
        continue;
      }
      cols[kept] = cols[e];
      values[kept] = values[e];
      ++kept;
    }
    begin = end;
  }
  block_.row_start[segments] = kept;
  block_.col_index.resize(static_cast<std::size_t>(kept));
  block_.values.resize(static_cast<std::size_t>(kept));
  if (duplicates > (kept + duplicates) / 10) {
    // Many duplicates: give back the space they took.
    block_.col_index.shrink_to_fit();
    block_.values.shrink_to_fit();
  }
  placing_ = false;
  return std::move(block_);
}

template <typename T>
SparseBlock<T> assemble_sparse_block(std::int64_t rows, std::int64_t cols,
                                     std::int64_t panel_cols, std::vector<SparseEntry>& entries,
                                     std::int64_t& duplicates) {
  SparseBlockBuilder<T> builder(rows, cols, panel_cols);
  builder.count(entries);
  builder.place(entries);
  std::vector<SparseEntry>().swap(entries);
  return builder.finish(duplicates);
}

template class SparseBlockBuilder<double>;
template class SparseBlockBuilder<float>;
template SparseBlock<double> assemble_sparse_block<double>(std::int64_t, std::int64_t,
                                                           std::int64_t, std::vector<SparseEntry>&,
                                                           std::int64_t&);
template SparseBlock<float> assemble_sparse_block<float>(std::int64_t, std::int64_t, std::int64_t,
                                                         std::vector<SparseEntry>&,
                                                         std::int64_t&);

}  // namespace gridnmf::local
