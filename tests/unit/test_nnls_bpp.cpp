// Block principal pivoting NNLS against an exhaustive oracle, the KKT
// conditions, and the robustness cases NMF runs into.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "gridnmf/local/nnls_bpp.hpp"

namespace gridnmf {
namespace {

using Matrix = std::vector<double>;  // row-major

// A problem with rows right-hand sides: G = A^T A and c_r = A^T b_r, the
// normal equations of min |A x - b_r|, so it is bounded even when G is singular.
struct Problem {
  std::int64_t k = 0;
  std::int64_t rows = 0;
  Matrix gram;
  Matrix cross;
};

Matrix gaussian(std::int64_t count, std::mt19937_64& rng) {
  std::normal_distribution<double> normal;
  Matrix m(count);
  for (double& v : m) v = normal(rng);
  return m;
}

Matrix uniform(std::int64_t count, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Matrix m(count);
  for (double& v : m) v = u(rng);
  return m;
}

// a is m x k, b is rows x m.
Problem normal_equations(const Matrix& a, std::int64_t m, std::int64_t k, const Matrix& b,
                         std::int64_t rows) {
  Problem p{k, rows, Matrix(k * k, 0.0), Matrix(rows * k, 0.0)};
  for (std::int64_t i = 0; i < k; ++i)
    for (std::int64_t j = 0; j < k; ++j)
      for (std::int64_t l = 0; l < m; ++l) p.gram[i * k + j] += a[l * k + i] * a[l * k + j];
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t i = 0; i < k; ++i)
      for (std::int64_t l = 0; l < m; ++l) p.cross[r * k + i] += a[l * k + i] * b[r * m + l];
  return p;
}

double objective(const double* g, const double* c, const double* x, std::int64_t k) {
  double value = 0.0;
  for (std::int64_t i = 0; i < k; ++i) {
    double gx = 0.0;
    for (std::int64_t j = 0; j < k; ++j) gx += g[i * k + j] * x[j];
    value += 0.5 * x[i] * gx - c[i] * x[i];
  }
  return value;
}

// Solves the square system m z = rhs by Gaussian elimination with partial
// pivoting; false when m is numerically singular.
bool solve_dense(Matrix m, Matrix rhs, std::int64_t n, Matrix& z) {
  double scale = 0.0;
  for (double v : m) scale = std::max(scale, std::abs(v));
  for (std::int64_t col = 0; col < n; ++col) {
    std::int64_t pivot = col;
    for (std::int64_t r = col + 1; r < n; ++r)
      if (std::abs(m[r * n + col]) > std::abs(m[pivot * n + col])) pivot = r;
    if (std::abs(m[pivot * n + col]) <= 1e-9 * scale) return false;
    for (std::int64_t j = 0; j < n; ++j) std::swap(m[col * n + j], m[pivot * n + j]);
    std::swap(rhs[col], rhs[pivot]);
    for (std::int64_t r = col + 1; r < n; ++r) {
      const double factor = m[r * n + col] / m[col * n + col];
      for (std::int64_t j = col; j < n; ++j) m[r * n + j] -= factor * m[col * n + j];
      rhs[r] -= factor * rhs[col];
    }
  }
  z.assign(n, 0.0);
  for (std::int64_t r = n - 1; r >= 0; --r) {
    double s = rhs[r];
    for (std::int64_t j = r + 1; j < n; ++j) s -= m[r * n + j] * z[j];
    z[r] = s / m[r * n + r];
  }
  return true;
}

// The optimal objective by trying every passive set F: solve G_FF x_F = c_F,
// keep the feasible solutions, take the lowest objective. Every candidate is a
// feasible point, and an optimum with the smallest support has linearly
// independent columns, so its G_FF is nonsingular and it is among them.
double oracle_objective(const double* g, const double* c, std::int64_t k) {
  double best = 0.0;  // F empty, x = 0
  for (std::uint32_t mask = 1; mask < (1u << k); ++mask) {
    std::vector<std::int64_t> f;
    for (std::int64_t i = 0; i < k; ++i)
      if (mask & (1u << i)) f.push_back(i);
    const std::int64_t n = static_cast<std::int64_t>(f.size());
    Matrix m(n * n), rhs(n), z;
    for (std::int64_t a = 0; a < n; ++a) {
      rhs[a] = c[f[a]];
      for (std::int64_t b = 0; b < n; ++b) m[a * n + b] = g[f[a] * k + f[b]];
    }
    if (!solve_dense(m, rhs, n, z)) continue;
    if (std::any_of(z.begin(), z.end(), [](double v) { return v < 0.0; })) continue;
    std::vector<double> x(k, 0.0);
    for (std::int64_t a = 0; a < n; ++a) x[f[a]] = z[a];
    best = std::min(best, objective(g, c, x.data(), k));
  }
  return best;
}

// x >= 0, g = Gx - c >= 0 where x = 0 and g = 0 where x > 0, each to tol
// relative to the size of the terms of g_i.
void expect_kkt(const Problem& p, const Matrix& x, double tol) {
  const std::int64_t k = p.k;
  for (std::int64_t r = 0; r < p.rows; ++r) {
    const double* xr = x.data() + r * k;
    for (std::int64_t i = 0; i < k; ++i) {
      ASSERT_TRUE(std::isfinite(xr[i])) << "row " << r << " variable " << i;
      ASSERT_GE(xr[i], 0.0) << "row " << r << " variable " << i;
      double gradient = -p.cross[r * k + i];
      double scale = std::abs(p.cross[r * k + i]);
      for (std::int64_t j = 0; j < k; ++j) {
        gradient += p.gram[i * k + j] * xr[j];
        scale += std::abs(p.gram[i * k + j] * xr[j]);
      }
      EXPECT_GE(gradient, -tol * scale) << "row " << r << " variable " << i;
      if (xr[i] > 0.0) {
        EXPECT_LE(std::abs(gradient), tol * scale) << "row " << r << " variable " << i;
      }
    }
  }
}

// Pivoting alone settles a problem with nonsingular G; only a singular one may
// need the active-set method (which would otherwise also hide pivoting bugs).
enum class Gram { kNonsingular, kSingular };

Matrix solve(const Problem& p, Matrix x, int* rounds = nullptr, Gram gram = Gram::kNonsingular) {
  local::BppSolver<double> solver(p.k);
  solver.solve(p.gram.data(), p.cross.data(), p.rows, x.data());
  EXPECT_LT(solver.last_rounds(), solver.max_rounds());
  if (gram == Gram::kNonsingular) {
    EXPECT_EQ(solver.last_active_set_rows(), 0);
  }
  if (rounds) *rounds = solver.last_rounds();
  return x;
}

Matrix solve_cold(const Problem& p, int* rounds = nullptr, Gram gram = Gram::kNonsingular) {
  return solve(p, Matrix(p.rows * p.k, 0.0), rounds, gram);
}

// Full rank, fewer samples than variables, or a column repeated (scaled).
Problem small_problem(int trial, std::mt19937_64& rng) {
  const std::int64_t k = 1 + trial % 6;
  const int kind = (trial / 6) % 3;
  const std::int64_t m = kind == 1 ? std::max<std::int64_t>(1, k - 2) : k + 3;
  Matrix a = gaussian(m * k, rng);
  if (kind == 2 && k >= 2) {
    const std::int64_t from = trial % k, to = (trial + 1) % k;
    const double factor = (trial % 4 == 0) ? 1.0 : 2.5;
    for (std::int64_t l = 0; l < m; ++l) a[l * k + to] = factor * a[l * k + from];
  }
  // Enough rows that some share a passive set and take the batched path.
  const std::int64_t rows = 40;
  return normal_equations(a, m, k, gaussian(rows * m, rng), rows);
}

TEST(BppSolver, MatchesExhaustiveOracleIncludingSingularGram) {
  std::mt19937_64 rng(1);
  int compared = 0;
  for (int trial = 0; trial < 360; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    const Problem p = small_problem(trial, rng);
    const bool full_rank = (trial / 6) % 3 == 0;  // small_problem's kind 0
    const Matrix x = solve_cold(p, nullptr, full_rank ? Gram::kNonsingular : Gram::kSingular);
    expect_kkt(p, x, 1e-9);
    for (std::int64_t r = 0; r < p.rows; ++r) {
      const double* g = p.gram.data();
      const double* c = p.cross.data() + r * p.k;
      const double expected = oracle_objective(g, c, p.k);
      const double actual = objective(g, c, x.data() + r * p.k, p.k);
      EXPECT_LE(std::abs(actual - expected), 1e-10 * std::abs(expected) + 1e-300)
          << "row " << r << " expected " << expected << " got " << actual;
      ++compared;
    }
  }
  EXPECT_EQ(compared, 360 * 40);
}

TEST(BppSolver, KktOnLargerProblems) {
  std::mt19937_64 rng(2);
  for (const std::int64_t k : {20, 64, 100}) {
    for (const bool nonnegative : {true, false}) {
      SCOPED_TRACE("k " + std::to_string(k) + (nonnegative ? " nonnegative" : " gaussian"));
      const std::int64_t m = 2 * k, rows = 300;
      const Matrix a = nonnegative ? uniform(m * k, rng) : gaussian(m * k, rng);
      const Problem p = normal_equations(
          a, m, k, nonnegative ? uniform(rows * m, rng) : gaussian(rows * m, rng), rows);
      expect_kkt(p, solve_cold(p), 1e-9);
    }
  }
}

TEST(BppSolver, GroupedRowsMatchRowByRowSolves) {
  // Right-hand sides G x_r with x_r drawn from a few sparsity patterns, so
  // rows share passive sets and large groups take the batched path.
  std::mt19937_64 rng(3);
  const std::int64_t k = 24, m = 40, rows = 400;
  const Matrix a = uniform(m * k, rng);
  Problem p = normal_equations(a, m, k, Matrix(rows * m, 0.0), rows);
  const Matrix values = uniform(rows * k, rng);
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t i = 0; i < k; ++i) {
      if ((i * 7 + r % 5) % 3 == 0) continue;
      for (std::int64_t j = 0; j < k; ++j) {
        p.cross[r * k + j] += p.gram[j * k + i] * values[r * k + i];
      }
    }
  }
  const Matrix together = solve_cold(p);
  expect_kkt(p, together, 1e-9);
  for (std::int64_t r = 0; r < rows; ++r) {
    const Problem single{k, 1, p.gram,
                         Matrix(p.cross.begin() + r * k, p.cross.begin() + (r + 1) * k)};
    const Matrix alone = solve_cold(single);
    for (std::int64_t i = 0; i < k; ++i)
      EXPECT_NEAR(together[r * k + i], alone[i], 1e-10 * (1.0 + std::abs(alone[i])));
  }
}

TEST(BppSolver, WarmStartGivesTheSameAnswerInNoMoreRounds) {
  std::mt19937_64 rng(4);
  const std::int64_t k = 32, m = 60, rows = 500;
  Matrix a = uniform(m * k, rng);
  const Matrix b = uniform(rows * m, rng);
  const Problem p = normal_equations(a, m, k, b, rows);
  int cold_rounds = 0, warm_rounds = 0;
  const Matrix cold = solve_cold(p, &cold_rounds);
  const Matrix warm = solve(p, cold, &warm_rounds);
  EXPECT_GT(cold_rounds, 1);
  EXPECT_EQ(warm_rounds, 1);
  for (size_t i = 0; i < cold.size(); ++i) EXPECT_NEAR(warm[i], cold[i], 1e-12 * (1 + cold[i]));

  // A nearby problem, as in the next NMF iteration.
  for (double& v : a) v *= 1.0 + 0.01 * std::uniform_real_distribution<double>(-1, 1)(rng);
  const Problem next = normal_equations(a, m, k, b, rows);
  int next_cold_rounds = 0, next_warm_rounds = 0;
  const Matrix next_cold = solve_cold(next, &next_cold_rounds);
  const Matrix next_warm = solve(next, cold, &next_warm_rounds);
  EXPECT_LE(next_warm_rounds, next_cold_rounds);
  EXPECT_LE(next_warm_rounds, 3);
  expect_kkt(next, next_warm, 1e-9);
  for (size_t i = 0; i < cold.size(); ++i)
    EXPECT_NEAR(next_warm[i], next_cold[i], 1e-9 * (1 + next_cold[i]));
}

TEST(BppSolver, ZeroGramColumnKeepsItsVariableAtZero) {
  std::mt19937_64 rng(5);
  const std::int64_t k = 10, m = 20, rows = 50, zero = 3;
  Matrix a = uniform(m * k, rng);
  for (std::int64_t l = 0; l < m; ++l) a[l * k + zero] = 0.0;
  Problem p = normal_equations(a, m, k, uniform(rows * m, rng), rows);
  // Also a positive c_i against a zero column, which alone would be unbounded.
  for (std::int64_t r = 0; r < rows; r += 2) p.cross[r * k + zero] = 1.0;
  const Matrix x = solve(p, uniform(rows * k, rng));
  for (std::int64_t r = 0; r < rows; ++r) {
    EXPECT_EQ(x[r * k + zero], 0.0);
    p.cross[r * k + zero] = 0.0;
  }
  expect_kkt(p, x, 1e-9);

  const Problem all_zero{2, 1, Matrix(4, 0.0), Matrix{1.0, -1.0}};
  EXPECT_EQ(solve(all_zero, Matrix{1.0, 1.0}), Matrix(2, 0.0));
}

TEST(BppSolver, IdenticalColumnsReachTheOptimum) {
  // G = |a|^2 1 1^T, c = (a.b) 1: every variable ties with every other, the
  // most degenerate case; the optimum has sum x = max(a.b, 0) / |a|^2.
  std::mt19937_64 rng(8);
  const std::int64_t k = 12, m = 15, rows = 30;
  const Matrix column = gaussian(m, rng);
  Matrix a(m * k);
  for (std::int64_t l = 0; l < m; ++l)
    for (std::int64_t i = 0; i < k; ++i) a[l * k + i] = column[l];
  const Problem p = normal_equations(a, m, k, gaussian(rows * m, rng), rows);
  const Matrix x = solve(p, uniform(rows * k, rng), nullptr, Gram::kSingular);
  expect_kkt(p, x, 1e-9);
  const double norm2 = p.gram[0];
  for (std::int64_t r = 0; r < rows; ++r) {
    const double ab = p.cross[r * k];
    const double expected = ab > 0 ? -0.5 * ab * ab / norm2 : 0.0;
    EXPECT_NEAR(objective(p.gram.data(), p.cross.data() + r * k, x.data() + r * k, k), expected,
                1e-10 * std::abs(expected));
  }
}

TEST(BppSolver, RankDeficientRowsPivotingStallsOnAreStillSolved) {
  // Fewer samples than variables, so G is singular, and Murty's single
  // exchanges stall on some rows, which the active-set method then finishes.
  std::mt19937_64 rng(9);
  {
    SCOPED_TRACE("gaussian, rank k / 2");
    const std::int64_t k = 48, m = 24, rows = 200;
    const Problem p = normal_equations(gaussian(m * k, rng), m, k, gaussian(rows * m, rng), rows);
    local::BppSolver<double> solver(k);
    Matrix x(rows * k, 0.0);
    solver.solve(p.gram.data(), p.cross.data(), rows, x.data());
    EXPECT_GT(solver.last_active_set_rows(), 0);
    expect_kkt(p, x, 1e-9);
  }
  {
    SCOPED_TRACE("NMF-like, k = 64 above 40 bands");
    const std::int64_t k = 64, m = 40, rows = 300;
    const Matrix w = uniform(m * k, rng), values = uniform(rows * k, rng);
    Matrix b(rows * m, 0.0);
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t i = 0; i < k; ++i) {
        if (values[r * k + i] > 0.3) continue;  // sparse abundances
        for (std::int64_t l = 0; l < m; ++l) b[r * m + l] += w[l * k + i] * values[r * k + i];
      }
    const Problem p = normal_equations(w, m, k, b, rows);
    local::BppSolver<double> solver(k);
    Matrix x(rows * k, 0.0);
    solver.solve(p.gram.data(), p.cross.data(), rows, x.data());
    EXPECT_GT(solver.last_active_set_rows(), 0);
    expect_kkt(p, x, 1e-9);
  }
}

TEST(BppSolver, BadlyScaledGramMatchesTheUnscaledProblem) {
  // G = S M S and c = S c' has solution S^{-1} z, where z solves (M, c').
  std::mt19937_64 rng(6);
  for (const bool singular : {false, true}) {
    SCOPED_TRACE(singular ? "rank deficient" : "full rank");
    const std::int64_t k = 16, m = singular ? 10 : 40, rows = 100;
    const Problem unscaled =
        normal_equations(gaussian(m * k, rng), m, k, gaussian(rows * m, rng), rows);
    std::vector<double> s(k);
    for (std::int64_t i = 0; i < k; ++i) s[i] = std::pow(10.0, -4.0 + 8.0 * i / (k - 1));
    Problem scaled = unscaled;
    for (std::int64_t i = 0; i < k; ++i) {
      for (std::int64_t j = 0; j < k; ++j) scaled.gram[i * k + j] *= s[i] * s[j];
      for (std::int64_t r = 0; r < rows; ++r) scaled.cross[r * k + i] *= s[i];
    }
    EXPECT_DOUBLE_EQ(scaled.gram[0], 1e-8 * unscaled.gram[0]);
    const Gram gram = singular ? Gram::kSingular : Gram::kNonsingular;
    const Matrix z = solve_cold(unscaled, nullptr, gram);
    const Matrix x = solve_cold(scaled, nullptr, gram);
    expect_kkt(scaled, x, 1e-9);
    for (std::int64_t r = 0; r < rows; ++r) {
      const double* c = unscaled.cross.data() + r * k;
      std::vector<double> unscaled_x(k);
      for (std::int64_t i = 0; i < k; ++i) unscaled_x[i] = s[i] * x[r * k + i];
      const double expected = objective(unscaled.gram.data(), c, z.data() + r * k, k);
      const double actual = objective(unscaled.gram.data(), c, unscaled_x.data(), k);
      EXPECT_LE(std::abs(actual - expected), 1e-10 * std::abs(expected)) << "row " << r;
      if (!singular) {
        for (std::int64_t i = 0; i < k; ++i)
          EXPECT_NEAR(unscaled_x[i], z[r * k + i], 1e-8 * (1.0 + std::abs(z[r * k + i])));
      }
    }
  }
}

TEST(BppSolver, FloatAgreesWithDouble) {
  std::mt19937_64 rng(7);
  const std::int64_t k = 16, m = 64, rows = 200;
  const Problem p = normal_equations(gaussian(m * k, rng), m, k, gaussian(rows * m, rng), rows);
  const Matrix expected = solve_cold(p);
  const std::vector<float> gram(p.gram.begin(), p.gram.end()),
      cross(p.cross.begin(), p.cross.end());
  std::vector<float> x(rows * k, 0.0f);
  local::BppSolver<float> solver(k);
  solver.solve(gram.data(), cross.data(), rows, x.data());
  for (std::int64_t r = 0; r < rows; ++r) {
    double difference = 0.0, norm = 0.0;
    for (std::int64_t i = 0; i < k; ++i) {
      ASSERT_GE(x[r * k + i], 0.0f);
      difference += std::pow(x[r * k + i] - expected[r * k + i], 2);
      norm += std::pow(expected[r * k + i], 2);
    }
    EXPECT_LE(std::sqrt(difference), 1e-4 * std::sqrt(norm)) << "row " << r;
  }
}

TEST(BppSolver, ReusedSolverMatchesFreshOnes) {
  // Scratch kept from a larger or smaller earlier solve must not leak in.
  std::mt19937_64 rng(10);
  const std::int64_t k = 12, m = 30;
  local::BppSolver<double> reused(k);
  for (const std::int64_t rows : {50, 300, 20}) {
    const Problem p = normal_equations(gaussian(m * k, rng), m, k, gaussian(rows * m, rng), rows);
    Matrix x(rows * k, 0.0);
    reused.solve(p.gram.data(), p.cross.data(), rows, x.data());
    EXPECT_EQ(x, solve_cold(p)) << rows << " rows";
  }
}

TEST(BppSolver, EmptyInputsAreNoOps) {
  local::BppSolver<double> solver(4);
  const Matrix g(16, 1.0);
  solver.solve(g.data(), nullptr, 0, nullptr);
  EXPECT_EQ(solver.last_rounds(), 0);
}

}  // namespace
}  // namespace gridnmf
