// The Hungarian solver against brute force over all permutations, and the
// SAD / RMSE scores against their textbook definitions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "gridnmf/unmix/assignment.hpp"
#include "gridnmf/unmix/evaluation.hpp"

namespace gridnmf::unmix {
namespace {

double total_cost(const std::vector<double>& cost, int n, const std::vector<int>& column) {
  double total = 0.0;
  for (int i = 0; i < n; ++i) total += cost[static_cast<std::size_t>(i) * n + column[i]];
  return total;
}

double brute_force_minimum(const std::vector<double>& cost, int n) {
  std::vector<int> column(n);
  std::iota(column.begin(), column.end(), 0);
  double best = INFINITY;
  do {
    best = std::min(best, total_cost(cost, n, column));
  } while (std::next_permutation(column.begin(), column.end()));
  return best;
}

bool is_permutation_of_n(std::vector<int> column, int n) {
  std::sort(column.begin(), column.end());
  for (int i = 0; i < n; ++i)
    if (column[i] != i) return false;
  return true;
}

TEST(Assignment, MatchesBruteForceUpToSeven) {
  std::mt19937_64 random(42);
  std::uniform_real_distribution<double> uniform(0.0, 3.0);
  std::uniform_int_distribution<int> small(0, 3);  // many ties
  for (int n = 1; n <= 7; ++n) {
    const int trials = n <= 5 ? 300 : 40;
    for (int trial = 0; trial < trials; ++trial) {
      std::vector<double> cost(static_cast<std::size_t>(n) * n);
      for (double& c : cost) c = trial % 3 == 0 ? small(random) : uniform(random) - 1.0;
      const std::vector<int> column = solve_assignment(cost, n);
      ASSERT_EQ(static_cast<int>(column.size()), n);
      ASSERT_TRUE(is_permutation_of_n(column, n)) << "n = " << n;
      ASSERT_NEAR(total_cost(cost, n, column), brute_force_minimum(cost, n), 1e-12)
          << "n = " << n << ", trial " << trial;
    }
  }
}

TEST(Assignment, RecoversAHiddenPermutationAndRejectsBadInput) {
  const int n = 30;
  std::vector<int> hidden(n);
  std::iota(hidden.begin(), hidden.end(), 0);
  std::shuffle(hidden.begin(), hidden.end(), std::mt19937(7));
  std::vector<double> cost(n * n, 1.0);
  for (int i = 0; i < n; ++i) cost[i * n + hidden[i]] = 0.0;
  EXPECT_EQ(solve_assignment(cost, n), hidden);
  EXPECT_TRUE(solve_assignment({}, 0).empty());
  EXPECT_ANY_THROW(solve_assignment({1.0, 2.0}, 2));
  EXPECT_ANY_THROW(solve_assignment({1.0, NAN, 0.0, 1.0}, 2));
}

TEST(SpectralAngle, KnownAngles) {
  const double pi = std::acos(-1.0);
  EXPECT_EQ(spectral_angle({1, 2, 3}, {1, 2, 3}), 0.0);
  EXPECT_NEAR(spectral_angle({1, 2, 3}, {2, 4, 6}), 0.0, 1e-15);  // scale-free
  EXPECT_NEAR(spectral_angle({1, 0}, {0, 1}), pi / 2, 1e-15);
  EXPECT_NEAR(spectral_angle({1, 0}, {1, 1}), pi / 4, 1e-15);
  EXPECT_NEAR(spectral_angle({1, 0}, {-1, 0}), pi, 1e-15);
  EXPECT_NEAR(spectral_angle({0, 0}, {1, 1}), pi / 2, 1e-15);
  // Agrees with arccos away from 0 and pi.
  const std::vector<double> a = {0.3, 1.7, 2.2, 0.1}, b = {1.1, 0.4, 2.0, 0.9};
  const double dot = 0.3 * 1.1 + 1.7 * 0.4 + 2.2 * 2.0 + 0.1 * 0.9;
  const double na = std::sqrt(0.09 + 2.89 + 4.84 + 0.01), nb = std::sqrt(1.21 + 0.16 + 4 + 0.81);
  EXPECT_NEAR(spectral_angle(a, b), std::acos(dot / (na * nb)), 1e-14);
}

// Truth (3 bands x 2 endmembers, 2 x 4 abundances) and an estimate with the
// columns swapped and scaled, and unnormalised abundances.
TEST(ScoreUnmixing, PermutationScaleAndRmse) {
  LocalMatrix<double> w_true(3, 2), w_est(3, 2), h_true(2, 4), h_est(2, 4);
  const double w[3][2] = {{1, 0}, {2, 1}, {0, 3}};
  for (int r = 0; r < 3; ++r) {
    w_true(r, 0) = w[r][0];
    w_true(r, 1) = w[r][1];
    w_est(r, 0) = 2.0 * w[r][1];  // estimate 0 is true 1
    w_est(r, 1) = 0.5 * w[r][0];
  }
  const double a[4] = {1.0, 0.25, 0.5, 0.0};
  for (int j = 0; j < 4; ++j) {
    h_true(0, j) = a[j];
    h_true(1, j) = 1.0 - a[j];
    h_est(1, j) = 3.0 * a[j];  // sums to 3 per pixel: normalised before comparing
    h_est(0, j) = 3.0 * (1.0 - a[j]);
  }
  h_est(1, 2) += 0.3;  // one entry off: the only error
  const UnmixingScores scores = score_unmixing(w_true, w_est, &h_true, &h_est);
  EXPECT_EQ(scores.estimate, (std::vector<int>{1, 0}));
  EXPECT_NEAR(scores.sad[0], 0.0, 1e-15);
  EXPECT_NEAR(scores.sad[1], 0.0, 1e-15);
  EXPECT_NEAR(scores.mean_sad, 0.0, 1e-15);
  // Pixel 2 sums to 3.3: abundances 1.8/3.3 and 1.5/3.3 against 0.5 and 0.5.
  const double d0 = 1.8 / 3.3 - 0.5, d1 = 1.5 / 3.3 - 0.5;
  ASSERT_TRUE(scores.rmse.has_value());
  EXPECT_NEAR(*scores.rmse, std::sqrt((d0 * d0 + d1 * d1) / 8.0), 1e-15);
  EXPECT_FALSE(score_unmixing(w_true, w_est, nullptr, nullptr).rmse.has_value());
}

}  // namespace
}  // namespace gridnmf::unmix

TEST(SpectralAngle, SpectraNear1e200Or1e300DoNotOverflow) {
  const std::vector<double> a = {1.0, 2.0, 3.0}, b = {1.0, 2.5, 2.0};
  const double angle = gridnmf::unmix::spectral_angle(a, b);
  for (const double scale : {1e200, 1e300, 1e-200, 1e-310}) {
    std::vector<double> scaled = b;
    for (double& value : scaled) value *= scale;
    EXPECT_NEAR(gridnmf::unmix::spectral_angle(a, scaled), angle, 1e-6) << scale;
    EXPECT_NEAR(gridnmf::unmix::spectral_angle(scaled, scaled), 0.0, 1e-7) << scale;
  }
}
