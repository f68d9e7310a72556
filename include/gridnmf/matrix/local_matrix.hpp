#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gridnmf {

// A dense row-major block held by one rank. W pieces are stored as (rows x k);
// H pieces are stored transposed, as (columns x k), so that the pieces a rank
// owns are contiguous and the W and H halves of an iteration use the same code.
template <typename T>
struct LocalMatrix {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  std::vector<T> values;

  LocalMatrix() = default;
  LocalMatrix(std::int64_t r, std::int64_t c)
      : rows(r), cols(c), values(static_cast<std::size_t>(r * c)) {}

  T& operator()(std::int64_t r, std::int64_t c) { return values[r * cols + c]; }
  const T& operator()(std::int64_t r, std::int64_t c) const { return values[r * cols + c]; }
  T* data() { return values.data(); }
  const T* data() const { return values.data(); }
  std::int64_t size() const { return rows * cols; }
};

}  // namespace gridnmf

namespace gridnmf {

// The transpose of a row-major block (used to turn stored H^T pieces into H).
template <typename T>
LocalMatrix<T> transposed(const LocalMatrix<T>& a) {
  LocalMatrix<T> t(a.cols, a.rows);
  for (std::int64_t r = 0; r < a.rows; ++r) {
    for (std::int64_t c = 0; c < a.cols; ++c) t(c, r) = a(r, c);
  }
  return t;
}

}  // namespace gridnmf
