#include "gridnmf/local/small_cholesky.hpp"

#include <cmath>
#include <stdexcept>

namespace gridnmf::local {

void small_cholesky(std::vector<double>& m, std::int64_t k, const std::string& what) {
  for (std::int64_t j = 0; j < k; ++j) {
    double diagonal = m[j * k + j];
    for (std::int64_t l = 0; l < j; ++l) diagonal -= m[j * k + l] * m[j * k + l];
    if (!(diagonal > 0.0) || !std::isfinite(diagonal)) {
      throw std::runtime_error("the " + what + " is not positive definite");
    }
    const double root = std::sqrt(diagonal);
    m[j * k + j] = root;
    for (std::int64_t i = j + 1; i < k; ++i) {
      double value = m[i * k + j];
      for (std::int64_t l = 0; l < j; ++l) value -= m[i * k + l] * m[j * k + l];
      m[i * k + j] = value / root;
    }
  }
}

}  // namespace gridnmf::local
