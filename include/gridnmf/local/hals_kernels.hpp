#pragma once

#include <cstdint>

namespace gridnmf::local {

// One HALS sweep (Cichocki & Phan) over the k columns of the row-major factor
// X (rows x k) for the Frobenius loss with penalty l1 * sum(X) + 0.5 * l2 * ||X||^2:
//   for l = 1..k:  x_l <- max(0, x_l + (c_l - l1 - X g_l - l2 x_l) / (g_ll + l2)),
// each column using the columns already updated (Gauss-Seidel). Rows are
// independent, so this is local to the rows a rank owns. A column whose Gram
// diagonal (plus l2) is zero has no effect on WH (the other factor's matching
// column is zero): it is set to 0 when l1 > 0, else left unchanged.
// `scratch` holds rows x k.
template <typename T>
void hals_update(T* x, const T* cross, const T* gram, std::int64_t rows, std::int64_t k,
                 double l1, double l2, T* scratch);

}  // namespace gridnmf::local
