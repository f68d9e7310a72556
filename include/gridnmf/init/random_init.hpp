#pragma once

#include <cstdint>

#include "gridnmf/matrix/block_range.hpp"
#include "gridnmf/matrix/local_matrix.hpp"

namespace gridnmf {

// Scale of the random start: entries uniform in (0, 2 s) with s = sqrt(mean(V) / k),
// so W H has the mean of V on average (scikit-learn's scaling).
double random_init_scale(double v_mean, std::int64_t k);

// W(r, c) = scale * u(seed, kInitialW, r * k + c) for the global rows in `rows`.
// Local, no communication; identical on every grid.
template <typename T>
LocalMatrix<T> random_w_rows(const IndexRange& rows, std::int64_t k, std::uint64_t seed,
                             double scale);

// H(c, col) = scale * u(seed, kInitialH, col * k + c) for the global columns in
// `cols`, stored transposed (cols x k).
template <typename T>
LocalMatrix<T> random_ht_cols(const IndexRange& cols, std::int64_t k, std::uint64_t seed,
                              double scale);

}  // namespace gridnmf
