// Local kernels against plain loops, and the counter-based random numbers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <set>
#include <vector>

#include "gridnmf/init/counter_random.hpp"
#include "gridnmf/local/blas.hpp"
#include "gridnmf/local/cross_products.hpp"
#include "gridnmf/local/hals_kernels.hpp"
#include "gridnmf/local/projected_gradient.hpp"
#include "gridnmf/local/mu_kernels.hpp"

namespace gridnmf {
namespace {

std::vector<double> filled(std::int64_t count, std::uint64_t seed) {
  std::vector<double> v(static_cast<size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) v[i] = random_uniform(seed, RandomStream::kTrueW, i);
  return v;
}

TEST(Blas, GemmAllTransposesMatchLoops) {
  const std::int64_t rows = 5, cols = 4, inner = 7;
  const std::vector<double> a = filled(rows * inner, 1), b = filled(inner * cols, 2);
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      std::vector<double> c(rows * cols, 0.0);
      // Stored shapes: A is rows x inner, or inner x rows when transposed.
      local::gemm(ta, tb, rows, cols, inner, 1.0, a.data(), ta ? rows : inner, b.data(),
                  tb ? inner : cols, 0.0, c.data(), cols);
      for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t s = 0; s < cols; ++s) {
          double expected = 0.0;
          for (std::int64_t l = 0; l < inner; ++l)
            expected += (ta ? a[l * rows + r] : a[r * inner + l]) *
                        (tb ? b[s * inner + l] : b[l * cols + s]);
          EXPECT_NEAR(c[r * cols + s], expected, 1e-13);
        }
    }
  }
}

TEST(Blas, EmptyInnerDimensionGivesZero) {
  std::vector<double> c(6, 5.0);
  local::gemm(false, false, 2, 3, 0, 1.0, nullptr, 0, nullptr, 3, 0.0, c.data(), 3);
  EXPECT_EQ(c, std::vector<double>(6, 0.0));
  std::vector<double> g(4, 5.0);
  local::gram(static_cast<const double*>(nullptr), 0, 2, g.data());
  EXPECT_EQ(g, std::vector<double>(4, 0.0));
}

TEST(Blas, GramIsFullSymmetricXtX) {
  const std::int64_t rows = 9, k = 4;
  const std::vector<double> x = filled(rows * k, 3);
  std::vector<double> g(k * k);
  local::gram(x.data(), rows, k, g.data());
  for (std::int64_t a = 0; a < k; ++a)
    for (std::int64_t b = 0; b < k; ++b) {
      double expected = 0.0;
      for (std::int64_t r = 0; r < rows; ++r) expected += x[r * k + a] * x[r * k + b];
      EXPECT_NEAR(g[a * k + b], expected, 1e-13);
    }
}

TEST(CrossProducts, BothLayoutsMatchLoops) {
  const std::int64_t rows = 37, cols = 23, k = 4;
  const std::vector<double> v = filled(rows * cols, 7), x = filled(rows * k, 8),
                            y = filled(cols * k, 9);
  for (const local::ProductLayout layout : {local::ProductLayout::kTall, local::ProductLayout::kWide}) {
    SCOPED_TRACE(local::to_string(layout));
    local::CrossProducts<double> products(layout, rows, cols, k);
    std::vector<double> vtx(cols * k), vy(rows * k);
    products.transposed_v_times(v.data(), x.data(), vtx.data());
    products.v_times(v.data(), y.data(), vy.data());
    for (std::int64_t c = 0; c < cols; ++c)
      for (std::int64_t l = 0; l < k; ++l) {
        double expected = 0.0;
        for (std::int64_t r = 0; r < rows; ++r) expected += v[r * cols + c] * x[r * k + l];
        EXPECT_NEAR(vtx[c * k + l], expected, 1e-12);
      }
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t l = 0; l < k; ++l) {
        double expected = 0.0;
        for (std::int64_t c = 0; c < cols; ++c) expected += v[r * cols + c] * y[c * k + l];
        EXPECT_NEAR(vy[r * k + l], expected, 1e-12);
      }
  }
}

TEST(MuKernel, MatchesElementwiseFormula) {
  const std::int64_t rows = 6, k = 3;
  std::vector<double> x = filled(rows * k, 4);
  const std::vector<double> cross = filled(rows * k, 5), gram = filled(k * k, 6);
  const std::vector<double> before = x;
  std::vector<double> scratch(rows * k);
  const double l1 = 0.3, l2 = 0.2;
  local::mu_update(x.data(), cross.data(), gram.data(), rows, k, l1, l2, scratch.data());
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < k; ++c) {
      double denominator = l2 * before[r * k + c];
      for (std::int64_t l = 0; l < k; ++l) denominator += before[r * k + l] * gram[l * k + c];
      const double expected = before[r * k + c] * std::max(cross[r * k + c] - l1, 0.0) /
                              (denominator + local::mu_epsilon<double>());
      EXPECT_NEAR(x[r * k + c], expected, 1e-14 * std::abs(expected));
    }
}

TEST(MuKernel, ZeroGramColumnGivesZeroNotNaN) {
  std::vector<double> x = {1.0, 2.0};
  const std::vector<double> cross = {0.0, 0.0}, gram = {0.0, 0.0, 0.0, 0.0};
  std::vector<double> scratch(2);
  local::mu_update(x.data(), cross.data(), gram.data(), 1, 2, 0.0, 0.0, scratch.data());
  EXPECT_EQ(x, std::vector<double>({0.0, 0.0}));
}

// The textbook HALS sweep: column by column, each using the columns already
// updated, the residual recomputed from scratch every time.
void textbook_hals(std::vector<double>& x, const std::vector<double>& cross,
                   const std::vector<double>& gram, std::int64_t rows, std::int64_t k, double l1,
                   double l2) {
  for (std::int64_t l = 0; l < k; ++l) {
    const double curvature = gram[l * k + l] + l2;
    if (curvature <= 0) {
      for (std::int64_t r = 0; r < rows && l1 > 0; ++r) x[r * k + l] = 0.0;
      continue;
    }
    for (std::int64_t r = 0; r < rows; ++r) {
      double xg = l2 * x[r * k + l];
      for (std::int64_t j = 0; j < k; ++j) xg += x[r * k + j] * gram[j * k + l];
      x[r * k + l] = std::max(0.0, x[r * k + l] + (cross[r * k + l] - l1 - xg) / curvature);
    }
  }
}

TEST(HalsKernel, MatchesTextbookSweepWithAndWithoutPenalties) {
  const std::int64_t rows = 11, k = 5;
  const std::vector<double> a = filled(8 * k, 10);
  std::vector<double> gram(k * k, 0.0);
  for (std::int64_t i = 0; i < 8; ++i)
    for (std::int64_t p = 0; p < k; ++p)
      for (std::int64_t q = 0; q < k; ++q) gram[p * k + q] += a[i * k + p] * a[i * k + q];
  for (std::int64_t q = 0; q < k; ++q) gram[2 * k + q] = gram[q * k + 2] = 0.0;  // zero column
  const std::vector<double> cross = filled(rows * k, 11);
  for (const auto& [l1, l2] : {std::pair{0.0, 0.0}, std::pair{0.4, 0.7}, std::pair{0.4, 0.0}}) {
    std::vector<double> x = filled(rows * k, 12), expected = x, scratch(rows * k);
    local::hals_update(x.data(), cross.data(), gram.data(), rows, k, l1, l2, scratch.data());
    textbook_hals(expected, cross, gram, rows, k, l1, l2);
    for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(x[i], expected[i], 1e-12) << i;
  }
}

TEST(ProjectedGradient, ZeroAtTheNnlsSolutionAndPositiveElsewhere) {
  // One row, G = I: the solution of min 0.5|x|^2 - c.x, x >= 0 is max(c, 0).
  const std::vector<double> gram = {1, 0, 0, 1}, cross = {2.0, -1.0};
  std::vector<double> scratch(2);
  const std::vector<double> solution = {2.0, 0.0};
  EXPECT_EQ(local::projected_gradient_squared(solution.data(), cross.data(), gram.data(), 1, 2,
                                              0.0, 0.0, scratch.data()),
            0.0);
  // At x = (1, 0): gradient (-1, 1); the second entry sits at the bound with a
  // positive gradient and does not count.
  const std::vector<double> x = {1.0, 0.0};
  EXPECT_DOUBLE_EQ(local::projected_gradient_squared(x.data(), cross.data(), gram.data(), 1, 2,
                                                     0.0, 0.0, scratch.data()),
                   1.0);
  // With l1 = 1 and l2 = 1 the solution moves to (0.5, 0).
  const std::vector<double> penalized = {0.5, 0.0};
  EXPECT_NEAR(local::projected_gradient_squared(penalized.data(), cross.data(), gram.data(), 1, 2,
                                                1.0, 1.0, scratch.data()),
              0.0, 1e-30);
}

TEST(CounterRandom, DependsOnlyOnSeedStreamAndIndex) {
  EXPECT_EQ(random_bits(1, RandomStream::kInitialW, 42), random_bits(1, RandomStream::kInitialW, 42));
  EXPECT_NE(random_bits(1, RandomStream::kInitialW, 42), random_bits(2, RandomStream::kInitialW, 42));
  EXPECT_NE(random_bits(1, RandomStream::kInitialW, 42), random_bits(1, RandomStream::kInitialH, 42));
  double sum = 0.0;
  std::set<double> distinct;
  const int count = 100000;
  for (int i = 0; i < count; ++i) {
    const double u = random_uniform(7, RandomStream::kNoise, i);
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    distinct.insert(u);
  }
  EXPECT_NEAR(sum / count, 0.5, 0.005);
  EXPECT_EQ(distinct.size(), static_cast<size_t>(count));
  double normal_sum = 0.0, normal_squares = 0.0;
  for (int i = 0; i < count; ++i) {
    const double z = random_normal(7, RandomStream::kNoise, i);
    normal_sum += z;
    normal_squares += z * z;
  }
  EXPECT_NEAR(normal_sum / count, 0.0, 0.02);
  EXPECT_NEAR(normal_squares / count, 1.0, 0.02);
}

}  // namespace
}  // namespace gridnmf
