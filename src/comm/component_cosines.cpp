#include "gridnmf/comm/component_cosines.hpp"

#include <cmath>

#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/local/blas.hpp"

namespace gridnmf::comm {

std::vector<double> column_cosines(MPI_Comm comm, const LocalMatrix<double>& a_own,
                                   const LocalMatrix<double>& b_own) {
  const std::int64_t k = a_own.cols;
  // A^T B, then the squared norms of A's and of B's columns, in one message.
  std::vector<double> sums(static_cast<size_t>(k * k + 2 * k), 0.0);
  local::gemm(true, false, k, k, a_own.rows, 1.0, a_own.data(), k, b_own.data(), k, 0.0,
              sums.data(), k);
  double* norms_a = sums.data() + k * k;
  double* norms_b = norms_a + k;
  for (std::int64_t r = 0; r < a_own.rows; ++r) {
    for (std::int64_t l = 0; l < k; ++l) {
      norms_a[l] += a_own(r, l) * a_own(r, l);
      norms_b[l] += b_own(r, l) * b_own(r, l);
    }
  }
  allreduce_sum(comm, sums.data(), static_cast<std::int64_t>(sums.size()));
  std::vector<double> cosines(static_cast<size_t>(k * k), 0.0);
  for (std::int64_t i = 0; i < k; ++i) {
    for (std::int64_t j = 0; j < k; ++j) {
      const double scale = std::sqrt(norms_a[i]) * std::sqrt(norms_b[j]);
      cosines[i * k + j] = scale > 0 ? sums[i * k + j] / scale : 0.0;
    }
  }
  return cosines;
}

}  // namespace gridnmf::comm
