#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gridnmf::local {

// In-place Cholesky M = L L^T of a small row-major SPD matrix: L goes to the
// lower part (the upper part is left as it was). k is tiny (endmembers,
// bands), so plain loops beat a LAPACK call. Throws std::runtime_error
// "the <what> is not positive definite" on a zero, negative or non-finite pivot.
void small_cholesky(std::vector<double>& m, std::int64_t k, const std::string& what);

}  // namespace gridnmf::local
