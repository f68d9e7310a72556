#include "gridnmf/local/sparseness_projection.hpp"

#include <cmath>

namespace gridnmf::local {

double hoyer_sparseness(const double* x, std::int64_t n) {
  if (n < 2) return 0.0;
  double l1 = 0.0, squares = 0.0;
  for (std::int64_t i = 0; i < n; ++i) {
    l1 += std::abs(x[i]);
    squares += x[i] * x[i];
  }
  if (squares == 0.0) return 0.0;
  const double root = std::sqrt(static_cast<double>(n));
  return (root - l1 / std::sqrt(squares)) / (root - 1.0);
}

bool project_to_sparseness(double* x, std::int64_t n, double sparseness, double l2,
                           double* scratch) {
  if (n < 2 || !(l2 > 0.0) || !(sparseness >= 0.0 && sparseness <= 1.0)) return false;
  const double root = std::sqrt(static_cast<double>(n));
  const double l1 = l2 * (root - sparseness * (root - 1.0));
  double* s = scratch;          // the iterate
  double* zero = scratch + n;   // 1 where the coordinate is fixed at zero
  double sum = 0.0;
  for (std::int64_t i = 0; i < n; ++i) sum += x[i];
  for (std::int64_t i = 0; i < n; ++i) {
    s[i] = x[i] + (l1 - sum) / static_cast<double>(n);
    zero[i] = 0.0;
  }
  std::int64_t free_count = n;
  for (std::int64_t round = 0; round <= n; ++round) {
    // Move from the midpoint m of the free coordinates along s - m until the
    // L2 norm is l2: ||m + a (s - m)||^2 = l2^2, a >= 0.
    const double midpoint = l1 / static_cast<double>(free_count);
    double a2 = 0.0, a1 = 0.0, a0 = 0.0;
    for (std::int64_t i = 0; i < n; ++i) {
      if (zero[i] != 0.0) continue;
      const double d = s[i] - midpoint;
      a2 += d * d;
      a1 += 2.0 * midpoint * d;
      a0 += midpoint * midpoint;
    }
    a0 -= l2 * l2;
    double discriminant = a1 * a1 - 4.0 * a2 * a0;
    // Sparseness 0 puts the midpoint on the sphere itself (a0 = 0): rounding
    // may push the discriminant a hair below zero.
    if (discriminant < 0.0 && a0 <= 1e-12 * l2 * l2) discriminant = 0.0;
    if (a2 <= 0.0 || discriminant < 0.0) return false;
    const double alpha = (-a1 + std::sqrt(discriminant)) / (2.0 * a2);
    bool negative = false;
    for (std::int64_t i = 0; i < n; ++i) {
      if (zero[i] != 0.0) continue;
      s[i] = midpoint + alpha * (s[i] - midpoint);
      negative = negative || s[i] < 0.0;
    }
    if (!negative) {
      for (std::int64_t i = 0; i < n; ++i) x[i] = zero[i] != 0.0 ? 0.0 : s[i];
      return true;
    }
    // Fix the negative coordinates at zero and restore the L1 norm on the rest.
    double free_sum = 0.0;
    for (std::int64_t i = 0; i < n; ++i) {
      if (zero[i] == 0.0 && s[i] < 0.0) {
        zero[i] = 1.0;
        s[i] = 0.0;
        --free_count;
      }
      if (zero[i] == 0.0) free_sum += s[i];
    }
    if (free_count == 0) return false;
    const double shift = (free_sum - l1) / static_cast<double>(free_count);
    for (std::int64_t i = 0; i < n; ++i) {
      if (zero[i] == 0.0) s[i] -= shift;
    }
  }
  return false;
}

bool raise_sparseness(double* x, std::int64_t n, double sparseness, double* scratch) {
  double squares = 0.0;
  for (std::int64_t i = 0; i < n; ++i) squares += x[i] * x[i];
  if (squares == 0.0 || hoyer_sparseness(x, n) >= sparseness) return false;
  return project_to_sparseness(x, n, sparseness, std::sqrt(squares), scratch);
}

}  // namespace gridnmf::local
