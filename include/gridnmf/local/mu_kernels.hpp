#pragma once

#include <cstdint>

namespace gridnmf::local {

// Added to MU denominators so a zero column of the other factor gives a zero
// update instead of 0/0. Part of the update's definition: the serial
// reference uses the same value.
template <typename T>
constexpr T mu_epsilon() { return T(1e-16); }

// Lee-Seung multiplicative update of the row-major factor X (rows x k) for the
// Frobenius loss with penalty l1 * sum(X) + 0.5 * l2 * ||X||^2:
//   X <- X .* max(C - l1, 0) ./ (X G + l2 X + eps),
// where C (rows x k) is the cross product with V and G (k x k) the Gram matrix
// of the other factor. `scratch` holds rows x k values.
template <typename T>
void mu_update(T* x, const T* cross, const T* gram, std::int64_t rows, std::int64_t k, double l1,
               double l2, T* scratch);

}  // namespace gridnmf::local
