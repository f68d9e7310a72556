#include "gridnmf/local/symmetric_eigen.hpp"

#include <stdexcept>
#include <string>

extern "C" void dsyev_(const char* jobz, const char* uplo, const int* n, double* a,
                       const int* lda, double* w, double* work, const int* lwork, int* info);

namespace gridnmf::local {

SymmetricEigen symmetric_eigen(const std::vector<double>& matrix, std::int64_t k) {
  const int n = static_cast<int>(k);
  // Symmetric, so the row-major input is its own column-major copy.
  std::vector<double> a = matrix;
  std::vector<double> ascending(static_cast<size_t>(k));
  int info = 0, query = -1;
  double size = 0.0;
  dsyev_("V", "U", &n, a.data(), &n, ascending.data(), &size, &query, &info);
  int lwork = static_cast<int>(size);
  std::vector<double> work(static_cast<size_t>(lwork > 1 ? lwork : 1));
  dsyev_("V", "U", &n, a.data(), &n, ascending.data(), work.data(), &lwork, &info);
  if (info != 0) throw std::runtime_error("dsyev failed (info " + std::to_string(info) + ")");
  SymmetricEigen out;
  out.values.resize(static_cast<size_t>(k));
  out.vectors.resize(static_cast<size_t>(k * k));
  // Column-major result: eigenvector c is a[c * k .. c * k + k); reverse the order.
  for (std::int64_t c = 0; c < k; ++c) {
    const std::int64_t from = k - 1 - c;
    out.values[c] = ascending[from];
    for (std::int64_t i = 0; i < k; ++i) out.vectors[i * k + c] = a[from * k + i];
  }
  return out;
}

}  // namespace gridnmf::local
