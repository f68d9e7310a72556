// Hoyer's sparseness projection: exact sparseness and norm, non-negative,
// and the closest such vector (checked by sampling the feasible set in 3-D).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "gridnmf/local/column_sparseness.hpp"
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

// The closest feasible point by enumerating supports: on a support S the
// feasible set is a circle (sum = L1, norm = L2 in the coordinates of S), whose
// closest point to y is its centre plus the radius along y's offset in the
// plane; the best non-negative candidate over all S is the projection.
double brute_force_distance(const std::vector<double>& y, double l1, double l2) {
  const std::size_t n = y.size();
  double best = 1e300;
  for (unsigned mask = 1; mask < (1u << n); ++mask) {
    std::vector<std::size_t> support;
    for (std::size_t i = 0; i < n; ++i) {
      if (mask & (1u << i)) support.push_back(i);
    }
    const double s = static_cast<double>(support.size());
    const double centre = l1 / s;
    const double radius_squared = l2 * l2 - s * centre * centre;
    if (radius_squared < 0.0) continue;
    double sum = 0.0;
    for (std::size_t i : support) sum += y[i];
    std::vector<double> offset;
    double offset_norm = 0.0;
    for (std::size_t i : support) {
      offset.push_back(y[i] + (l1 - sum) / s - centre);
      offset_norm += offset.back() * offset.back();
    }
    offset_norm = std::sqrt(offset_norm);
    if (offset_norm == 0.0 && radius_squared > 0.0) continue;
    std::vector<double> x(n, 0.0);
    bool feasible = true;
    for (std::size_t a = 0; a < support.size(); ++a) {
      const double value =
          centre + (offset_norm > 0.0 ? std::sqrt(radius_squared) * offset[a] / offset_norm : 0.0);
      feasible = feasible && value >= -1e-12;
      x[support[a]] = value;
    }
    if (!feasible) continue;
    double distance = 0.0;
    for (std::size_t i = 0; i < n; ++i) distance += (x[i] - y[i]) * (x[i] - y[i]);
    best = std::min(best, distance);
  }
  return best;
}

TEST(SparsenessProjection, IsTheClosestFeasiblePointByEnumeratingSupports) {
  std::mt19937_64 engine(17);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (std::int64_t n : {3, 4, 5, 6, 8}) {
    for (double target : {0.2, 0.5, 0.8}) {
      for (int trial = 0; trial < 20; ++trial) {
        std::vector<double> y(n), p(n), scratch(2 * n);
        for (double& value : y) value = normal(engine);
        p = y;
        const double l2 = 1.5, root = std::sqrt(static_cast<double>(n));
        ASSERT_TRUE(project_to_sparseness(p.data(), n, target, l2, scratch.data()));
        double found = 0.0;
        for (std::int64_t i = 0; i < n; ++i) found += (p[i] - y[i]) * (p[i] - y[i]);
        EXPECT_NEAR(found, brute_force_distance(y, l2 * (root - target * (root - 1.0)), l2), 1e-9)
            << "n " << n << " sparseness " << target << " trial " << trial;
      }
    }
  }
}

TEST(ColumnSparseness, EqualsTheSingleVectorProjectionColumnByColumn) {
  std::mt19937_64 engine(23);
  std::normal_distribution<double> normal(0.5, 1.0);
  const std::int64_t rows = 50, k = 6;
  std::vector<double> x(rows * k);
  for (double& value : x) value = normal(engine);
  const std::vector<double> l2 = {1.0, 2.0, 0.5, 0.0, 3.0, 1.0};
  std::vector<double> batched = x;
  int reduces = 0;
  ASSERT_TRUE(project_columns_to_sparseness(batched.data(), rows, k, rows, 0.6, l2,
                                            [&](double*, std::int64_t) { ++reduces; }));
  for (std::int64_t l = 0; l < k; ++l) {
    std::vector<double> column(rows), scratch(2 * rows);
    for (std::int64_t i = 0; i < rows; ++i) column[i] = x[i * k + l];
    if (l2[l] > 0) ASSERT_TRUE(project_to_sparseness(column.data(), rows, 0.6, l2[l], scratch.data()));
    for (std::int64_t i = 0; i < rows; ++i) {
      EXPECT_NEAR(batched[i * k + l], column[i], 1e-14) << "column " << l << " row " << i;
    }
  }
  // One reduce for the sums, then two per round for all columns together.
  EXPECT_EQ(reduces % 2, 1);
  EXPECT_LT(reduces, 2 * rows + 2);
}

}  // namespace
}  // namespace gridnmf::local
