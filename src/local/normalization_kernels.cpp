#include "gridnmf/local/normalization_kernels.hpp"

#include <cmath>

namespace gridnmf::local {

namespace {

// Calls visit(r, c, value) for every stored entry of a sparse block (const
// or not: `value` is a reference into the block).
template <typename Block, typename Visit>
void for_each_stored(Block& block, Visit visit) {
  for (std::int64_t p = 0; p < block.panels(); ++p) {
    const std::int64_t* start = block.row_start.data() + p * block.rows;
    for (std::int64_t r = 0; r < block.rows; ++r) {
      for (std::int64_t e = start[r]; e < start[r + 1]; ++e) {
        visit(r, static_cast<std::int64_t>(block.col_index[e]), block.values[e]);
      }
    }
  }
}

}  // namespace

template <typename T>
void log1p_values(std::vector<T>& values) {
  for (T& value : values) value = static_cast<T>(std::log1p(static_cast<double>(value)));
}

template <typename T>
void add_row_nonzero_counts(const LocalMatrix<T>& block, double* counts) {
  for (std::int64_t r = 0; r < block.rows; ++r) {
    for (std::int64_t c = 0; c < block.cols; ++c) counts[r] += block(r, c) != T(0) ? 1.0 : 0.0;
  }
}

template <typename T>
void add_row_nonzero_counts(const SparseBlock<T>& block, double* counts) {
  for_each_stored(block, [&](std::int64_t r, std::int64_t, const T& v) {
    counts[r] += v != T(0) ? 1.0 : 0.0;
  });
}

template <typename T>
void add_column_sums(const LocalMatrix<T>& block, double* sums) {
  for (std::int64_t r = 0; r < block.rows; ++r) {
    for (std::int64_t c = 0; c < block.cols; ++c) sums[c] += block(r, c);
  }
}

template <typename T>
void add_column_sums(const SparseBlock<T>& block, double* sums) {
  for_each_stored(block, [&](std::int64_t, std::int64_t c, const T& v) { sums[c] += v; });
}

template <typename T>
void add_row_sums(const LocalMatrix<T>& block, double* sums) {
  for (std::int64_t r = 0; r < block.rows; ++r) {
    for (std::int64_t c = 0; c < block.cols; ++c) sums[r] += block(r, c);
  }
}

template <typename T>
void add_row_sums(const SparseBlock<T>& block, double* sums) {
  for_each_stored(block, [&](std::int64_t r, std::int64_t, const T& v) { sums[r] += v; });
}

template <typename T>
double sum_v_log_v(const std::vector<T>& values) {
  double sum = 0.0;
  for (const T value : values) {
    if (value > T(0)) sum += static_cast<double>(value) * std::log(static_cast<double>(value));
  }
  return sum;
}

template <typename T>
void scale_rows(LocalMatrix<T>& block, const double* row_factors) {
  for (std::int64_t r = 0; r < block.rows; ++r) {
    for (std::int64_t c = 0; c < block.cols; ++c) {
      block(r, c) = static_cast<T>(block(r, c) * row_factors[r]);
    }
  }
}

template <typename T>
void scale_rows(SparseBlock<T>& block, const double* row_factors) {
  for_each_stored(block, [&](std::int64_t r, std::int64_t, T& v) {
    v = static_cast<T>(v * row_factors[r]);
  });
}

template <typename T>
void scale_columns(LocalMatrix<T>& block, const double* column_factors) {
  for (std::int64_t r = 0; r < block.rows; ++r) {
    for (std::int64_t c = 0; c < block.cols; ++c) {
      block(r, c) = static_cast<T>(block(r, c) * column_factors[c]);
    }
  }
}

template <typename T>
void scale_columns(SparseBlock<T>& block, const double* column_factors) {
  for_each_stored(block, [&](std::int64_t, std::int64_t c, T& v) {
    v = static_cast<T>(v * column_factors[c]);
  });
}

template <typename T>
std::int64_t drop_stored_zeros(SparseBlock<T>& block) {
  const std::int64_t segments = block.panels() * block.rows;
  std::int64_t kept = 0;
  std::int64_t segment_begin = block.row_start[0];
  for (std::int64_t s = 0; s < segments; ++s) {
    // The old end is read before row_start[s + 1] is overwritten.
    const std::int64_t segment_end = block.row_start[s + 1];
    block.row_start[s] = kept;
    for (std::int64_t e = segment_begin; e < segment_end; ++e) {
      if (block.values[e] == T(0)) continue;
      block.values[kept] = block.values[e];
      block.col_index[kept] = block.col_index[e];
      ++kept;
    }
    segment_begin = segment_end;
  }
  block.row_start[segments] = kept;
  const std::int64_t removed = block.nonzeros() - kept;
  block.values.resize(static_cast<std::size_t>(kept));
  block.col_index.resize(static_cast<std::size_t>(kept));
  return removed;
}

#define GRIDNMF_INSTANTIATE_NORMALIZATION(T)                                       \
  template void log1p_values<T>(std::vector<T>&);                                  \
  template void add_row_nonzero_counts<T>(const LocalMatrix<T>&, double*);          \
  template void add_row_nonzero_counts<T>(const SparseBlock<T>&, double*);          \
  template void add_column_sums<T>(const LocalMatrix<T>&, double*);                 \
  template void add_column_sums<T>(const SparseBlock<T>&, double*);                 \
  template void add_row_sums<T>(const LocalMatrix<T>&, double*);                   \
  template void add_row_sums<T>(const SparseBlock<T>&, double*);                   \
  template double sum_v_log_v<T>(const std::vector<T>&);                           \
  template void scale_rows<T>(LocalMatrix<T>&, const double*);                      \
  template void scale_rows<T>(SparseBlock<T>&, const double*);                      \
  template void scale_columns<T>(LocalMatrix<T>&, const double*);                   \
  template void scale_columns<T>(SparseBlock<T>&, const double*);                   \
  template std::int64_t drop_stored_zeros<T>(SparseBlock<T>&);
GRIDNMF_INSTANTIATE_NORMALIZATION(double)
GRIDNMF_INSTANTIATE_NORMALIZATION(float)
#undef GRIDNMF_INSTANTIATE_NORMALIZATION

}  // namespace gridnmf::local
