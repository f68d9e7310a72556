// Hoyer's sparseness projection: exact sparseness and norm, non-negative,
// and the closest such vector (checked by sampling the feasible set in 3-D).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "gridnmf/local/sparseness_projection.hpp"

namespace gridnmf::local {
namespace {

TEST(SparsenessProjection, HitsTheSparsenessAndNormExactly) {
  std::mt19937_64 engine(3);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (std::int64_t n : {2, 3, 10, 49, 784}) {
    for (double target : {0.0, 0.1, 0.5, 0.7, 0.95}) {
      std::vector<double> x(n), scratch(2 * n);
      for (double& value : x) value = uniform(engine);
      ASSERT_TRUE(project_to_sparseness(x.data(), n, target, 2.5, scratch.data()))
          << "n " << n << " sparseness " << target;
      double squares = 0.0;
      for (const double value : x) {
        EXPECT_GE(value, 0.0);
        squares += value * value;
      }
      EXPECT_NEAR(std::sqrt(squares), 2.5, 1e-10);
      EXPECT_NEAR(hoyer_sparseness(x.data(), n), target, 1e-10) << "n " << n;
    }
  }
}

TEST(SparsenessProjection, IsTheClosestFeasiblePointIn3d) {
  // The feasible set (x >= 0, sum x = L1, ||x|| = L2) is a circle in the
  // plane sum x = L1: sample it and check nothing is closer than the projection.
  std::mt19937_64 engine(5);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const double l2 = 1.0, target = 0.4, root = std::sqrt(3.0);
  const double l1 = l2 * (root - target * (root - 1.0));
  const double center = l1 / 3.0;
  const double radius = std::sqrt(l2 * l2 - 3.0 * center * center);
  const double u[3] = {1 / std::sqrt(2.0), -1 / std::sqrt(2.0), 0.0};
  const double v[3] = {1 / std::sqrt(6.0), 1 / std::sqrt(6.0), -2 / std::sqrt(6.0)};
  for (int trial = 0; trial < 50; ++trial) {
    double x[3] = {uniform(engine), uniform(engine), uniform(engine)};
    double p[3] = {x[0], x[1], x[2]}, scratch[6];
    ASSERT_TRUE(project_to_sparseness(p, 3, target, l2, scratch));
    double best = 1e300;
    for (int step = 0; step < 200000; ++step) {
      const double t = 2.0 * M_PI * step / 200000.0;
      double q[3], distance = 0.0;
      bool feasible = true;
      for (int i = 0; i < 3; ++i) {
        q[i] = center + radius * (std::cos(t) * u[i] + std::sin(t) * v[i]);
        feasible = feasible && q[i] >= 0.0;
        distance += (q[i] - x[i]) * (q[i] - x[i]);
      }
      if (feasible) best = std::min(best, distance);
    }
    double found = 0.0;
    for (int i = 0; i < 3; ++i) found += (p[i] - x[i]) * (p[i] - x[i]);
    EXPECT_LE(found, best + 1e-9) << "trial " << trial;
  }
}

TEST(SparsenessProjection, MeasuresHoyersExtremes) {
  const double flat[4] = {2, 2, 2, 2}, single[4] = {0, 0, 3, 0};
  EXPECT_NEAR(hoyer_sparseness(flat, 4), 0.0, 1e-15);
  EXPECT_NEAR(hoyer_sparseness(single, 4), 1.0, 1e-15);
  double x[2] = {1, 1}, scratch[4];
  EXPECT_FALSE(project_to_sparseness(x, 2, 0.5, 0.0, scratch));
  EXPECT_EQ(x[0], 1.0);
}

TEST(SparsenessProjection, LeavesColumnsThatAreSparseEnoughAlone) {
  double sparse[5] = {0, 0, 4, 0, 0.1}, scratch[10];
  const double before = hoyer_sparseness(sparse, 5);
  EXPECT_FALSE(raise_sparseness(sparse, 5, 0.6, scratch));
  EXPECT_EQ(hoyer_sparseness(sparse, 5), before);
  double dense[5] = {1, 2, 3, 4, 5};
  EXPECT_TRUE(raise_sparseness(dense, 5, 0.6, scratch));
  EXPECT_NEAR(hoyer_sparseness(dense, 5), 0.6, 1e-10);
  EXPECT_NEAR(dense[0] * dense[0] + dense[1] * dense[1] + dense[2] * dense[2] +
                  dense[3] * dense[3] + dense[4] * dense[4],
              55.0, 1e-9);
}

}  // namespace
}  // namespace gridnmf::local
