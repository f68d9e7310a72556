#include "gridnmf/local/column_sparseness.hpp"

#include <algorithm>
#include <cmath>

namespace gridnmf::local {

// The arithmetic is that of project_to_sparseness, column by column, with
// every sum over a column replaced by a local partial sum and one reduce for
// all columns: a column split over holders ends where the serial one would.
bool project_columns_to_sparseness(double* x, std::int64_t rows, std::int64_t k,
                                   std::int64_t length, double sparseness,
                                   const std::vector<double>& l2, const ColumnSumReducer& reduce) {
  if (length < 2 || !(sparseness >= 0.0 && sparseness <= 1.0)) return false;
  const double root = std::sqrt(static_cast<double>(length));
  std::vector<double> sums(static_cast<size_t>(2 * k), 0.0);
  for (std::int64_t i = 0; i < rows; ++i) {
    for (std::int64_t l = 0; l < k; ++l) sums[l] += x[i * k + l];
  }
  reduce(sums.data(), k);

  std::vector<double> l1(k), free_count(k), shift(k, 0.0), midpoint(k), alpha(k);
  std::vector<char> moving(k);  // still projecting
  for (std::int64_t l = 0; l < k; ++l) {
    l1[l] = l2[l] * (root - sparseness * (root - 1.0));
    free_count[l] = static_cast<double>(length);
    moving[l] = l2[l] > 0.0;
  }
  std::vector<double> s(x, x + rows * k);
  std::vector<char> zero(static_cast<size_t>(rows * k), 0);  // fixed at zero
  for (std::int64_t i = 0; i < rows; ++i) {
    for (std::int64_t l = 0; l < k; ++l) {
      if (moving[l]) s[i * k + l] = x[i * k + l] + (l1[l] - sums[l]) / static_cast<double>(length);
    }
  }

  bool any_moving = true;
  for (std::int64_t round = 0; round <= length && any_moving; ++round) {
    // The sphere crossing from the midpoint of the free coordinates.
    std::fill(sums.begin(), sums.end(), 0.0);
    for (std::int64_t l = 0; l < k; ++l) midpoint[l] = l1[l] / free_count[l];
    for (std::int64_t i = 0; i < rows; ++i) {
      for (std::int64_t l = 0; l < k; ++l) {
        const std::int64_t at = i * k + l;
        if (!moving[l] || zero[at]) continue;
        s[at] -= shift[l];
        const double d = s[at] - midpoint[l];
        sums[2 * l] += d * d;
        sums[2 * l + 1] += 2.0 * midpoint[l] * d;
      }
    }
    reduce(sums.data(), 2 * k);
    for (std::int64_t l = 0; l < k; ++l) {
      if (!moving[l]) continue;
      const double a2 = sums[2 * l], a1 = sums[2 * l + 1];
      const double a0 = free_count[l] * midpoint[l] * midpoint[l] - l2[l] * l2[l];
      double discriminant = a1 * a1 - 4.0 * a2 * a0;
      if (discriminant < 0.0 && a0 <= 1e-12 * l2[l] * l2[l]) discriminant = 0.0;
      if (a2 <= 0.0 || discriminant < 0.0) return false;
      alpha[l] = (-a1 + std::sqrt(discriminant)) / (2.0 * a2);
    }
    // Move, fix the negative coordinates at zero, and sum what stays free.
    std::fill(sums.begin(), sums.end(), 0.0);
    for (std::int64_t i = 0; i < rows; ++i) {
      for (std::int64_t l = 0; l < k; ++l) {
        const std::int64_t at = i * k + l;
        if (!moving[l] || zero[at]) continue;
        s[at] = midpoint[l] + alpha[l] * (s[at] - midpoint[l]);
        if (s[at] < 0.0) {
          zero[at] = 1;
          s[at] = 0.0;
          sums[2 * l] += 1.0;
        } else {
          sums[2 * l + 1] += s[at];
        }
      }
    }
    reduce(sums.data(), 2 * k);
    any_moving = false;
    for (std::int64_t l = 0; l < k; ++l) {
      if (!moving[l]) continue;
      if (sums[2 * l] == 0.0) {
        moving[l] = 0;
        continue;
      }
      free_count[l] -= sums[2 * l];
      if (free_count[l] <= 0.0) return false;
      shift[l] = (sums[2 * l + 1] - l1[l]) / free_count[l];
      any_moving = true;
    }
  }
  if (any_moving) return false;
  for (std::int64_t i = 0; i < rows; ++i) {
    for (std::int64_t l = 0; l < k; ++l) {
      const std::int64_t at = i * k + l;
      if (l2[l] > 0.0) x[at] = zero[at] ? 0.0 : s[at];
    }
  }
  return true;
}

std::vector<double> column_norms(const double* x, std::int64_t rows, std::int64_t k,
                                 const ColumnSumReducer& reduce) {
  std::vector<double> norms(static_cast<size_t>(k), 0.0);
  for (std::int64_t i = 0; i < rows; ++i) {
    for (std::int64_t l = 0; l < k; ++l) norms[l] += x[i * k + l] * x[i * k + l];
  }
  reduce(norms.data(), k);
  for (double& norm : norms) norm = std::sqrt(norm);
  return norms;
}

}  // namespace gridnmf::local
