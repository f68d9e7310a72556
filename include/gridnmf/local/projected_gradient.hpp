#pragma once

#include <cstdint>

namespace gridnmf::local {

// Squared norm of the projected gradient of the Frobenius objective with
// respect to the row-major factor X (rows x k): with the gradient
// g = X G + l2 X - (C - l1), an entry counts as g where x > 0 and as
// min(g, 0) where x = 0 (Lin 2007). Zero exactly at a KKT point.
// `scratch` holds rows x k values.
template <typename T>
double projected_gradient_squared(const T* x, const T* cross, const T* gram, std::int64_t rows,
                                  std::int64_t k, double l1, double l2, T* scratch);

}  // namespace gridnmf::local
