// Every update rule, with and without penalties, equals its serial reference
// on every grid of the current rank count; the stopping rules stop where they
// promise.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "distributed_run.hpp"

namespace gridnmf::testing {
namespace {

struct AlgorithmCase {
  Algorithm algorithm;
  Penalty penalty_w;
  Penalty penalty_h;
};

const AlgorithmCase kAlgorithmCases[] = {
    {Algorithm::kMu, {0.1, 0.5}, {0.2, 0.3}},
    {Algorithm::kHals, {}, {}},
    {Algorithm::kHals, {0.1, 0.5}, {0.2, 0.3}},
    {Algorithm::kBpp, {}, {}},
    {Algorithm::kBpp, {0.1, 0.5}, {0.2, 0.3}},
};

TEST(DistributedAlgorithms, EqualSerialReferenceOnEveryGrid) {
  for (const AlgorithmCase& c : kAlgorithmCases) {
    for (const SyntheticProblem problem :
         {SyntheticProblem{37, 23, 4, 0.05, 7}, SyntheticProblem{3, 9, 2, 0.0, 2}}) {
      SolverSettings settings = fixed_iterations(c.algorithm, 15);
      settings.penalty_w = c.penalty_w;
      settings.penalty_h = c.penalty_h;
      const WholeRun expected = run_reference(problem, 11, settings);
      // The Gram identity cancels ||V||^2 against terms of its size, so near an
      // exact fit its absolute error is a few ulps of ||V||^2.
      const DataBlock<double> v(synthetic_block<double>(problem, {0, problem.rows}, {0, problem.cols}));
      const double cancellation = 1e-13 * std::inner_product(v.dense().values.begin(), v.dense().values.end(),
                                                             v.dense().values.begin(), 0.0);
      for (const GridShape shape : all_grid_shapes(world_size())) {
        if (shape.rows > problem.rows || shape.cols > problem.cols) continue;
        SCOPED_TRACE(to_string(c.algorithm) + " l1/l2 " + std::to_string(c.penalty_w.l1) + " " +
                     shape.to_string() + " " + std::to_string(problem.rows));
        const WholeRun got = run_distributed<double>(MPI_COMM_WORLD, shape, problem, 11, settings);
        EXPECT_LT(relative_difference(got.w, expected.w), 1e-10);
        EXPECT_LT(relative_difference(got.h, expected.h), 1e-10);
        EXPECT_EQ(got.objectives.size(), expected.objectives.size());
        for (size_t it = 0; it < std::min(got.objectives.size(), expected.objectives.size()); ++it) {
          // The objective from Gram identities and reduced sums equals the one
          // from an explicit W*H, penalties included.
          EXPECT_NEAR(got.objectives[it], expected.objectives[it],
                      1e-9 * expected.objectives[it] + cancellation);
          if (it > 0) {
            EXPECT_LE(got.objectives[it], got.objectives[it - 1] * (1 + 1e-12) + cancellation);
          }
        }
      }
    }
  }
}

TEST(DistributedBetaMu, EqualsSerialReferenceOnEveryGridForEveryBeta) {
  // Noise-free synthetic data is strictly positive, as Itakura-Saito needs.
  const SyntheticProblem problem{37, 23, 4, 0.0, 7};
  for (const double beta : {0.0, 0.5, 1.0, 1.5}) {
    for (const bool penalized : {false, true}) {
      SolverSettings settings = fixed_iterations(Algorithm::kMu, 12);
      settings.loss = Loss{beta};
      settings.stopping.evaluate_every_iteration = true;  // to compare every objective
      if (penalized) {
        settings.penalty_w = {0.01, 0.05};
        settings.penalty_h = {0.02, 0.03};
      }
      const WholeRun expected = run_reference(problem, 5, settings);
      for (const GridShape shape : all_grid_shapes(world_size())) {
        SCOPED_TRACE("beta " + std::to_string(beta) + (penalized ? " penalized " : " ") +
                     shape.to_string());
        const WholeRun got = run_distributed<double>(MPI_COMM_WORLD, shape, problem, 5, settings);
        EXPECT_LT(relative_difference(got.w, expected.w), 1e-10);
        EXPECT_LT(relative_difference(got.h, expected.h), 1e-10);
        EXPECT_EQ(got.objectives.size(), expected.objectives.size());
        for (size_t it = 0; it < std::min(got.objectives.size(), expected.objectives.size()); ++it) {
          EXPECT_NEAR(got.objectives[it], expected.objectives[it], 1e-9 * expected.objectives[it]);
          EXPECT_NEAR(got.errors[it], expected.errors[it], 1e-9 * expected.errors[it]);
          // MU with the Fevotte-Idier exponent never increases the divergence.
          if (it > 0) EXPECT_LE(got.objectives[it], got.objectives[it - 1] * (1 + 1e-12));
        }
      }
    }
  }
}

// Fraction of entries of `m` that are exactly zero.
double zero_fraction(const reference::Dense& m) {
  return static_cast<double>(std::count(m.v.begin(), m.v.end(), 0.0)) /
         static_cast<double>(m.v.size());
}

TEST(Penalties, L1OnHMakesHSparser) {
  const SyntheticProblem problem{60, 50, 6, 0.2, 9};
  SolverSettings plain = fixed_iterations(Algorithm::kHals, 200);
  SolverSettings sparse = plain;
  sparse.penalty_h.l1 = 20.0;
  const WholeRun without = run_distributed<double>(MPI_COMM_WORLD, {world_size(), 1}, problem, 1, plain);
  const WholeRun with = run_distributed<double>(MPI_COMM_WORLD, {world_size(), 1}, problem, 1, sparse);
  // Measured: 0.26 against 0.077 on every grid.
  EXPECT_GT(zero_fraction(with.h), 2.0 * zero_fraction(without.h) + 0.05)
      << zero_fraction(with.h) << " vs " << zero_fraction(without.h);
}

// ||min(X, grad_X)||_F for X >= 0: zero exactly when X satisfies the KKT
// conditions (X >= 0, grad >= 0, X .* grad = 0).
double kkt_residual(const reference::Dense& x, const reference::Dense& gradient) {
  double sum = 0.0;
  for (size_t i = 0; i < x.v.size(); ++i) {
    const double r = std::min(x.v[i], gradient.v[i]);
    sum += r * r;
  }
  return std::sqrt(sum);
}

// Gradients of 0.5 ||V - WH||^2: (WH - V) H^T and W^T (WH - V).
std::pair<reference::Dense, reference::Dense> gradients(const reference::Dense& v,
                                                        const reference::Dense& w,
                                                        const reference::Dense& h) {
  reference::Dense residual = reference::multiply(w, h);
  for (size_t i = 0; i < residual.v.size(); ++i) residual.v[i] -= v.v[i];
  return {reference::multiply(residual, reference::transpose(h)),
          reference::multiply(reference::transpose(w), residual)};
}

TEST(Convergence, HalsAndBppReachAKktPointOnExactLowRankData) {
  const SyntheticProblem problem{37, 23, 4, 0.0, 7};
  const LocalMatrix<double> v_local = synthetic_block<double>(problem, {0, 37}, {0, 23});
  reference::Dense v(37, 23);
  v.v = v_local.values;
  const WholeRun start = run_reference(problem, 3, fixed_iterations(Algorithm::kMu, 0));
  const auto [grad_w0, grad_h0] = gradients(v, start.w, start.h);
  const auto norm = [](const reference::Dense& m) {
    return std::sqrt(std::inner_product(m.v.begin(), m.v.end(), m.v.begin(), 0.0));
  };
  for (const Algorithm algorithm : {Algorithm::kHals, Algorithm::kBpp}) {
    SCOPED_TRACE(to_string(algorithm));
    SolverSettings settings = fixed_iterations(algorithm, 20000);
    settings.stopping.pg_tolerance = 1e-10;
    const WholeRun got =
        run_distributed<double>(MPI_COMM_WORLD, {1, world_size()}, problem, 3, settings);
    const auto [grad_w, grad_h] = gradients(v, got.w, got.h);
    EXPECT_EQ(got.stop, StopReason::kProjectedGradient);
    EXPECT_LT(got.errors.back(), 1e-6);
    EXPECT_LT(kkt_residual(got.w, grad_w), 1e-6 * norm(grad_w0));
    EXPECT_LT(kkt_residual(got.h, grad_h), 1e-6 * norm(grad_h0));
  }
}

TEST(StoppingRules, ToleranceStopsAtTheFirstSmallRelativeImprovement) {
  const SyntheticProblem problem{37, 23, 4, 0.05, 7};
  SolverSettings settings = fixed_iterations(Algorithm::kHals, 500);
  settings.stopping.tolerance = 1e-4;
  const WholeRun got = run_distributed<double>(MPI_COMM_WORLD, {1, world_size()}, problem, 3,
                                               settings);
  EXPECT_EQ(got.stop, StopReason::kTolerance);
  const auto& f = got.objectives;
  ASSERT_GE(f.size(), 2u);  // no collective follows: safe to return early
  EXPECT_LT((f[f.size() - 2] - f.back()) / f.back(), 1e-4);
  for (size_t it = 1; it + 1 < f.size(); ++it) EXPECT_GE((f[it - 1] - f[it]) / f[it], 1e-4);
}

// ||PG(W, H)|| of 0.5 ||V - WH||^2 from whole matrices, written plainly.
double projected_gradient_norm(const reference::Dense& v, const reference::Dense& w,
                               const reference::Dense& h) {
  reference::Dense residual = reference::multiply(w, h);
  for (size_t i = 0; i < residual.v.size(); ++i) residual.v[i] -= v.v[i];
  const reference::Dense grad_w = reference::multiply(residual, reference::transpose(h));
  const reference::Dense grad_h = reference::multiply(reference::transpose(w), residual);
  double sum = 0.0;
  for (const auto& [x, g] : {std::pair{&w, &grad_w}, std::pair{&h, &grad_h}}) {
    for (size_t i = 0; i < x->v.size(); ++i) {
      const double p = x->v[i] > 0 ? g->v[i] : std::min(g->v[i], 0.0);
      sum += p * p;
    }
  }
  return std::sqrt(sum);
}

TEST(StoppingRules, ProjectedGradientStopsOneIterationAfterCrossingTheTolerance) {
  const SyntheticProblem problem{37, 23, 4, 0.0, 7};
  const LocalMatrix<double> v_local = synthetic_block<double>(problem, {0, 37}, {0, 23});
  reference::Dense v(37, 23);
  v.v = v_local.values;
  const double tolerance = 1e-5;
  const WholeRun start = run_reference(problem, 3, fixed_iterations(Algorithm::kHals, 0));
  const double initial = projected_gradient_norm(v, start.w, start.h);
  SolverSettings settings = fixed_iterations(Algorithm::kHals, 5000);
  settings.stopping.pg_tolerance = tolerance;
  const WholeRun got = run_distributed<double>(MPI_COMM_WORLD, {world_size(), 1}, problem, 3,
                                               settings);
  EXPECT_EQ(got.stop, StopReason::kProjectedGradient);
  const int stopped = static_cast<int>(got.objectives.size());
  ASSERT_GE(stopped, 3);  // no collective follows: safe to return early
  // The rule looks at iterate t - 1 when iteration t ends: iterate t - 1 is
  // the first below the tolerance, iterate t - 2 is not.
  const WholeRun before = run_reference(problem, 3, fixed_iterations(Algorithm::kHals, stopped - 1));
  const WholeRun earlier = run_reference(problem, 3, fixed_iterations(Algorithm::kHals, stopped - 2));
  EXPECT_LE(projected_gradient_norm(v, before.w, before.h), tolerance * initial);
  EXPECT_GT(projected_gradient_norm(v, earlier.w, earlier.h), tolerance * initial);
}

TEST(StoppingRules, DivergenceRunStoppedByToleranceReturnsTheIterateItEvaluated) {
  // Noisy data keeps the divergence far from 0, where its rounding noise
  // would dominate the tolerance test.
  const SyntheticProblem problem{37, 23, 4, 0.05, 7};
  SolverSettings settings = fixed_iterations(Algorithm::kMu, 5000);
  settings.loss = Loss{1.0};
  settings.stopping.tolerance = 1e-3;
  const WholeRun got = run_distributed<double>(MPI_COMM_WORLD, {1, world_size()}, problem, 5,
                                               settings);
  EXPECT_EQ(got.stop, StopReason::kTolerance);
  ASSERT_FALSE(got.iterations.empty());  // no collective follows: safe to return early
  const int stopped = got.iterations.back();
  SolverSettings fixed = fixed_iterations(Algorithm::kMu, stopped);
  fixed.loss = settings.loss;
  const WholeRun expected = run_reference(problem, 5, fixed);
  EXPECT_LT(relative_difference(got.w, expected.w), 1e-10);
  EXPECT_LT(relative_difference(got.h, expected.h), 1e-10);
  EXPECT_NEAR(got.objectives.back(), expected.objectives.back(), 1e-9 * expected.objectives.back());
}

// Dense beta-divergence MU evaluates its objective at iteration 1, every
// tenth and the last; the tolerance compares the mean change per iteration
// since the previous evaluation, and the objectives it records are those an
// every-iteration run records at the same iterations.
TEST(StoppingRules, DivergenceEvaluatesEveryTenthIterationAndStopsAtTheFirstQualifyingOne) {
  const SyntheticProblem problem{37, 23, 4, 0.05, 7};
  const double tolerance = 2e-4;
  SolverSettings every = fixed_iterations(Algorithm::kMu, 400);
  every.loss = Loss{1.0};
  every.stopping.evaluate_every_iteration = true;
  const WholeRun all = run_distributed<double>(MPI_COMM_WORLD, {1, world_size()}, problem, 5,
                                               every);
  ASSERT_EQ(all.objectives.size(), 400u);
  int expected_stop = 0;
  for (int at = 10, previous = 1; at <= 400 && expected_stop == 0; previous = at, at += 10) {
    const double f_previous = all.objectives[previous - 1], f = all.objectives[at - 1];
    if (std::abs(f_previous - f) / f / (at - previous) < tolerance) expected_stop = at;
  }
  ASSERT_GT(expected_stop, 20);  // the case tests a stop after several evaluations
  ASSERT_LT(expected_stop, 400);

  SolverSettings scheduled = fixed_iterations(Algorithm::kMu, 5000);
  scheduled.loss = Loss{1.0};
  scheduled.stopping.tolerance = tolerance;
  const WholeRun got = run_distributed<double>(MPI_COMM_WORLD, {1, world_size()}, problem, 5,
                                               scheduled);
  EXPECT_EQ(got.stop, StopReason::kTolerance);
  std::vector<int> expected_iterations{1};
  for (int at = 10; at <= expected_stop; at += 10) expected_iterations.push_back(at);
  ASSERT_EQ(got.iterations, expected_iterations);
  for (size_t i = 0; i < got.iterations.size(); ++i) {
    EXPECT_EQ(got.objectives[i], all.objectives[got.iterations[i] - 1]);
    EXPECT_EQ(got.errors[i], all.errors[got.iterations[i] - 1]);
  }
  // And a run of 23 iterations its last.
  SolverSettings short_run = fixed_iterations(Algorithm::kMu, 23);
  short_run.loss = Loss{1.0};
  const WholeRun lines = run_distributed<double>(MPI_COMM_WORLD, {world_size(), 1}, problem, 5,
                                                 short_run);
  EXPECT_EQ(lines.iterations, (std::vector<int>{1, 10, 20, 23}));
}

// A time limit reached between evaluations ends the run on the next
// iterate, evaluated, the same on every rank.
TEST(StoppingRules, DivergenceTimeLimitEndsOnAnEvaluatedIterate) {
  const SyntheticProblem problem{200, 150, 8, 0.1, 7};
  SolverSettings settings = fixed_iterations(Algorithm::kMu, 1000000);
  settings.loss = Loss{1.0};
  settings.stopping.time_limit_seconds = 0.3;
  const WholeRun got = run_distributed<double>(MPI_COMM_WORLD, {1, world_size()}, problem, 3,
                                               settings);
  EXPECT_EQ(got.stop, StopReason::kTimeLimit);
  ASSERT_FALSE(got.iterations.empty());
  EXPECT_EQ(got.iterations.back(), got.final_iteration);  // the returned iterate is recorded
  int last[2] = {got.iterations.back(), -got.iterations.back()};
  MPI_Allreduce(MPI_IN_PLACE, last, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  EXPECT_EQ(last[0], -last[1]);
}

TEST(StoppingRules, TimeLimitStopsEveryRankAtTheSameIteration) {
  const SyntheticProblem problem{200, 150, 8, 0.1, 7};
  SolverSettings settings = fixed_iterations(Algorithm::kMu, 1000000);
  settings.stopping.time_limit_seconds = 0.3;
  const WholeRun got = run_distributed<double>(MPI_COMM_WORLD, {1, world_size()}, problem, 3,
                                               settings);
  EXPECT_EQ(got.stop, StopReason::kTimeLimit);
  int iterations = static_cast<int>(got.objectives.size());
  int max_iterations = iterations;
  MPI_Allreduce(MPI_IN_PLACE, &max_iterations, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  EXPECT_EQ(iterations, max_iterations);
}

}  // namespace
}  // namespace gridnmf::testing
