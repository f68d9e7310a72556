#pragma once

#include <cstdint>
#include <vector>

namespace gridnmf::local {

// Eigenvalues (descending) and eigenvectors (column c of the row-major k x k
// `vectors` belongs to values[c]) of a small symmetric matrix, by LAPACK
// dsyev. Throws std::runtime_error if it does not converge. Local.
struct SymmetricEigen {
  std::vector<double> values;
  std::vector<double> vectors;
};
SymmetricEigen symmetric_eigen(const std::vector<double>& matrix, std::int64_t k);

}  // namespace gridnmf::local
