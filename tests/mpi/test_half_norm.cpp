// The L1/2 sparsity term in the distributed driver: equal to a serial
// reference that writes the majorized H half out per entry, on every grid of
// the current rank count, and monotone in its own objective (HALS and exact
// NNLS both decrease the tangent majorizer).
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <string>

#include "distributed_run.hpp"
#include "gridnmf/error.hpp"
#include "serial_half_norm.hpp"

namespace gridnmf::testing {
namespace {

double mean_square(const SyntheticProblem& problem) {
  const LocalMatrix<double> v = synthetic_block<double>(problem, {0, problem.rows}, {0, problem.cols});
  return std::inner_product(v.values.begin(), v.values.end(), v.values.begin(), 0.0) /
         static_cast<double>(v.size());
}

WholeRun half_norm_reference(const SyntheticProblem& problem, std::uint64_t seed,
                             const SolverSettings& settings) {
  WholeRun run = run_reference(problem, seed, fixed_iterations(settings.algorithm, 0));
  const LocalMatrix<double> v_local = synthetic_block<double>(problem, {0, problem.rows}, {0, problem.cols});
  reference::Dense v(problem.rows, problem.cols);
  v.v = v_local.values;
  const reference::UnmixingReference terms{settings.unmixing.sum_to_one_weight,
                                           settings.unmixing.volume_weight,
                                           settings.unmixing.volume_epsilon};
  const double lambda = settings.unmixing.half_norm_weight;
  for (int it = 0; it < settings.stopping.max_iterations; ++it) {
    if (settings.algorithm == Algorithm::kHals) {
      reference::half_norm_iteration(v, run.w, run.h, terms, lambda, reference::half_norm_hals_h);
    } else {
      reference::half_norm_iteration(v, run.w, run.h, terms, lambda, reference::half_norm_nnls_h);
    }
    run.objectives.push_back(reference::half_norm_objective(v, run.w, run.h, terms, lambda));
  }
  return run;
}

struct HalfNormCase {
  Algorithm algorithm;
  double delta_scale;   // sum-to-one weight / sqrt(mean square * rows)
  double lambda_scale;  // L1/2 weight / mean square
  double volume_scale;  // volume weight / (mean square * rows * cols)
};

const HalfNormCase kCases[] = {
    {Algorithm::kHals, 0.0, 0.5, 0.0}, {Algorithm::kBpp, 0.0, 0.5, 0.0},
    {Algorithm::kHals, 1.0, 2.0, 0.0}, {Algorithm::kBpp, 1.0, 2.0, 0.0},
    {Algorithm::kHals, 1.0, 1.0, 1e-4},  // with the volume term
};

TEST(DistributedHalfNorm, EqualsSerialReferenceAndIsMonotone) {
  for (const HalfNormCase& c : kCases) {
    for (const SyntheticProblem problem :
         {SyntheticProblem{37, 23, 4, 0.05, 7}, SyntheticProblem{11, 13, 3, 0.05, 2}}) {
      const double ms = mean_square(problem);
      SolverSettings settings = fixed_iterations(c.algorithm, 12);
      settings.unmixing.sum_to_one_weight = c.delta_scale * std::sqrt(ms * problem.rows);
      settings.unmixing.half_norm_weight = c.lambda_scale * ms;
      settings.unmixing.volume_weight = c.volume_scale * ms * problem.rows * problem.cols;
      settings.unmixing.volume_epsilon = 0.05 * ms * problem.rows;
      settings.validate();
      const WholeRun expected = half_norm_reference(problem, 3, settings);
      const double floor = 1e-12 * ms * problem.rows * problem.cols;
      for (const GridShape shape : all_grid_shapes(world_size())) {
        if (shape.rows > problem.rows || shape.cols > problem.cols) continue;
        SCOPED_TRACE(to_string(c.algorithm) + " lambda " + std::to_string(c.lambda_scale) +
                     " delta " + std::to_string(c.delta_scale) + " " + shape.to_string() +
                     " m " + std::to_string(problem.rows));
        const WholeRun got = run_distributed<double>(MPI_COMM_WORLD, shape, problem, 3, settings);
        EXPECT_LT(relative_difference(got.w, expected.w), 1e-9);
        EXPECT_LT(relative_difference(got.h, expected.h), 1e-9);
        ASSERT_EQ(got.objectives.size(), expected.objectives.size());
        for (size_t it = 0; it < got.objectives.size(); ++it) {
          EXPECT_NEAR(got.objectives[it], expected.objectives[it],
                      1e-9 * std::abs(expected.objectives[it]) + floor);
          if (it > 0) {
            EXPECT_LE(got.objectives[it],
                      got.objectives[it - 1] + 1e-12 * std::abs(got.objectives[it - 1]) + floor);
          }
        }
      }
    }
  }
}

TEST(DistributedHalfNorm, MakesAbundancesSparser) {
  const SyntheticProblem problem{41, 29, 3, 0.02, 5};
  const double ms = mean_square(problem);
  const GridShape shape = all_grid_shapes(world_size()).back();
  std::vector<int> zeros;
  for (const double lambda : {0.0, 3.0}) {
    SolverSettings settings = fixed_iterations(Algorithm::kBpp, 40);
    settings.unmixing.half_norm_weight = lambda * ms;
    const WholeRun got = run_distributed<double>(MPI_COMM_WORLD, shape, problem, 9, settings);
    int count = 0;
    for (double x : got.h.v) count += x == 0.0;
    zeros.push_back(count);
  }
  EXPECT_GT(zeros[1], zeros[0]);
}

TEST(DistributedHalfNorm, SettingsRefuseMultiplicativeUpdates) {
  SolverSettings settings;
  settings.algorithm = Algorithm::kMu;
  settings.unmixing.half_norm_weight = 1.0;
  EXPECT_THROW(settings.validate(), UsageError);
  settings.algorithm = Algorithm::kHals;
  EXPECT_NO_THROW(settings.validate());
  settings.unmixing.half_norm_weight = -1.0;
  EXPECT_THROW(settings.validate(), UsageError);
}

}  // namespace
}  // namespace gridnmf::testing
