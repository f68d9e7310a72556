// The minimum-volume kernel: its log det, its majorizer's gradient, and the
// invariance that makes it a simplex (not a cone) volume.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "gridnmf/init/counter_random.hpp"
#include "gridnmf/local/simplex_volume.hpp"

namespace gridnmf {
namespace {

constexpr std::int64_t kRows = 9, kK = 4;
constexpr double kEpsilon = 0.05;

std::vector<double> random_w(std::uint64_t seed) {
  std::vector<double> w(kRows * kK);
  for (std::int64_t i = 0; i < kRows * kK; ++i) w[i] = random_uniform(seed, RandomStream::kTrueW, i);
  return w;
}

std::vector<double> gram_of(const std::vector<double>& w) {
  std::vector<double> g(kK * kK, 0.0);
  for (std::int64_t r = 0; r < kRows; ++r)
    for (std::int64_t i = 0; i < kK; ++i)
      for (std::int64_t j = 0; j < kK; ++j) g[i * kK + j] += w[r * kK + i] * w[r * kK + j];
  return g;
}

double log_det_of(const std::vector<double>& w) {
  return local::simplex_volume_majorizer(gram_of(w).data(), kK, kEpsilon, nullptr);
}

TEST(SimplexVolume, LogDetOfDiagonalCase) {
  // Orthonormal centred directions: P G P = c P, eigenvalues c (k-1 times) and 0.
  std::vector<double> g(kK * kK);
  const double c = 2.0;
  for (std::int64_t i = 0; i < kK; ++i)
    for (std::int64_t j = 0; j < kK; ++j) g[i * kK + j] = c * ((i == j ? 1.0 : 0.0) - 1.0 / kK);
  const double expected = (kK - 1) * std::log(c + kEpsilon) + std::log(kEpsilon);
  EXPECT_NEAR(local::simplex_volume_majorizer(g.data(), kK, kEpsilon, nullptr), expected, 1e-12);
}

TEST(SimplexVolume, CorrectionIsHalfTheGradientOverW) {
  // d/dW log det(P W^T W P + eps I) = 2 W P M^-1 P: compare with central differences.
  const std::vector<double> w = random_w(3);
  std::vector<double> correction(kK * kK);
  local::simplex_volume_majorizer(gram_of(w).data(), kK, kEpsilon, correction.data());
  const double h = 1e-6;
  for (std::int64_t r = 0; r < kRows; ++r) {
    for (std::int64_t l = 0; l < kK; ++l) {
      std::vector<double> plus = w, minus = w;
      plus[r * kK + l] += h;
      minus[r * kK + l] -= h;
      const double numeric = (log_det_of(plus) - log_det_of(minus)) / (2 * h);
      double analytic = 0.0;
      for (std::int64_t q = 0; q < kK; ++q) analytic += 2.0 * w[r * kK + q] * correction[q * kK + l];
      EXPECT_NEAR(numeric, analytic, 1e-6 * (1.0 + std::abs(analytic)));
    }
  }
  for (std::int64_t i = 0; i < kK; ++i) {
    double row_sum = 0.0;
    for (std::int64_t j = 0; j < kK; ++j) {
      row_sum += correction[i * kK + j];
      EXPECT_NEAR(correction[i * kK + j], correction[j * kK + i], 1e-14);
    }
    EXPECT_NEAR(row_sum, 0.0, 1e-12);  // P kills the all-ones direction
  }
}

TEST(SimplexVolume, MovingAllEndmembersTogetherKeepsTheVolume) {
  // Adding one spectrum to every column translates the simplex.
  const std::vector<double> w = random_w(5);
  std::vector<double> shifted = w;
  for (std::int64_t r = 0; r < kRows; ++r)
    for (std::int64_t l = 0; l < kK; ++l) shifted[r * kK + l] += 0.3 * (r + 1);
  EXPECT_NEAR(log_det_of(shifted), log_det_of(w), 1e-10);
  // Spreading the columns apart grows it.
  std::vector<double> spread = w;
  for (double& x : spread) x *= 2.0;
  EXPECT_GT(log_det_of(spread), log_det_of(w) + 1.0);
}

TEST(SimplexVolume, NonFiniteGramThrows) {
  std::vector<double> g = gram_of(random_w(7));
  g[0] = std::nan("");
  EXPECT_THROW(local::simplex_volume_majorizer(g.data(), kK, kEpsilon, nullptr), std::runtime_error);
}

}  // namespace
}  // namespace gridnmf
