// Sum-to-one and minimum-volume terms in the distributed driver equal a serial
// reference that forms the augmented matrices explicitly, on every grid of
// the current rank count and on sizes that do not divide evenly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "distributed_run.hpp"
#include "gridnmf/error.hpp"
#include "serial_unmixing.hpp"

namespace gridnmf::testing {
namespace {

// sqrt(||V||^2 / n): the data scale the unmix command sets its weights on.
double column_scale(const SyntheticProblem& problem) {
  const DataBlock<double> v(synthetic_block<double>(problem, {0, problem.rows}, {0, problem.cols}));
  return std::sqrt(std::inner_product(v.dense().values.begin(), v.dense().values.end(), v.dense().values.begin(), 0.0) /
                   static_cast<double>(problem.cols));
}

// The serial reference with the unmixing terms from the driver's random start.
WholeRun unmixing_reference(const SyntheticProblem& problem, std::uint64_t seed,
                            const SolverSettings& settings) {
  WholeRun run = run_reference(problem, seed, fixed_iterations(settings.algorithm, 0));
  const LocalMatrix<double> v_local = synthetic_block<double>(problem, {0, problem.rows}, {0, problem.cols});
  reference::Dense v(problem.rows, problem.cols);
  v.v = v_local.values;
  const reference::UnmixingReference terms{settings.unmixing.sum_to_one_weight,
                                           settings.unmixing.volume_weight,
                                           settings.unmixing.volume_epsilon};
  for (int it = 0; it < settings.stopping.max_iterations; ++it) {
    switch (settings.algorithm) {
      case Algorithm::kMu:
        reference::unmixing_iteration(v, run.w, run.h, terms, reference::mu_update_h);
        break;
      case Algorithm::kHals:
        reference::unmixing_iteration(v, run.w, run.h, terms, reference::hals_update_h);
        break;
      case Algorithm::kBpp:
        reference::unmixing_iteration(v, run.w, run.h, terms, reference::nnls_update_h);
        break;
    }
    run.errors.push_back(reference::relative_error(v, run.w, run.h));
    run.objectives.push_back(reference::unmixing_objective(v, run.w, run.h, terms));
  }
  return run;
}

// The volume term always comes with some sum-to-one weight: without it, or
// when it collapses the simplex, W^T W becomes singular and the NNLS
// solutions of the H half stop being unique, so two exact solvers part ways.
struct TermsCase {
  Algorithm algorithm;
  double delta_scale;   // sum-to-one weight / column scale
  double lambda_scale;  // volume weight / ||V||^2
};

const TermsCase kCases[] = {
    {Algorithm::kHals, 1.0, 0.0}, {Algorithm::kBpp, 1.0, 0.0}, {Algorithm::kMu, 1.0, 0.0},
    {Algorithm::kHals, 0.3, 1e-4}, {Algorithm::kBpp, 0.3, 1e-4},
    {Algorithm::kHals, 3.0, 3e-4}, {Algorithm::kBpp, 3.0, 3e-4},
};

TEST(DistributedUnmixingTerms, EqualAugmentedSerialReferenceOnEveryGrid) {
  for (const TermsCase& c : kCases) {
    for (const SyntheticProblem problem :
         {SyntheticProblem{37, 23, 4, 0.05, 7}, SyntheticProblem{7, 13, 3, 0.05, 2}}) {
      // On the 7 x 13 problem the volume term makes two endmembers affinely
      // dependent within a few iterations, so NNLS (not HALS) has ties there.
      if (c.algorithm == Algorithm::kBpp && c.lambda_scale > 0 && problem.rows < 10) continue;
      const double scale = column_scale(problem);
      SolverSettings settings = fixed_iterations(c.algorithm, 12);
      settings.unmixing.sum_to_one_weight = c.delta_scale * scale;
      settings.unmixing.volume_weight = c.lambda_scale * scale * scale * problem.cols;
      settings.unmixing.volume_epsilon = 0.05 * scale * scale;
      settings.validate();
      const WholeRun expected = unmixing_reference(problem, 3, settings);
      const double floor = 1e-12 * scale * scale * problem.cols;
      for (const GridShape shape : all_grid_shapes(world_size())) {
        if (shape.rows > problem.rows || shape.cols > problem.cols) continue;
        SCOPED_TRACE(to_string(c.algorithm) + " delta " + std::to_string(c.delta_scale) +
                     " lambda " + std::to_string(c.lambda_scale) + " " + shape.to_string() +
                     " m " + std::to_string(problem.rows));
        const WholeRun got = run_distributed<double>(MPI_COMM_WORLD, shape, problem, 3, settings);
        EXPECT_LT(relative_difference(got.w, expected.w), 1e-9);
        EXPECT_LT(relative_difference(got.h, expected.h), 1e-9);
        ASSERT_EQ(got.objectives.size(), expected.objectives.size());
        for (size_t it = 0; it < got.objectives.size(); ++it) {
          // relative_error stays the plain ||V - WH|| / ||V||; the objective
          // carries the sum-to-one and volume terms.
          EXPECT_NEAR(got.errors[it], expected.errors[it], 1e-9);
          EXPECT_NEAR(got.objectives[it], expected.objectives[it],
                      1e-9 * std::abs(expected.objectives[it]) + floor);
          // Exact NNLS and a HALS sweep both decrease the majorized objective.
          if (it > 0 && c.algorithm != Algorithm::kMu) {
            EXPECT_LE(got.objectives[it],
                      got.objectives[it - 1] + 1e-12 * std::abs(got.objectives[it - 1]) + floor);
          }
        }
      }
    }
  }
}

TEST(DistributedUnmixingTerms, SumToOneMakesAbundancesSumToOne) {
  const SyntheticProblem problem{41, 29, 3, 0.02, 5};
  const double scale = column_scale(problem);
  for (const Algorithm algorithm : {Algorithm::kHals, Algorithm::kBpp}) {
    SolverSettings settings = fixed_iterations(algorithm, 40);
    double free_deviation = 0.0;
    for (const double weight : {0.0, 30.0}) {
      settings.unmixing.sum_to_one_weight = weight * scale;
      const GridShape shape = all_grid_shapes(world_size()).back();
      const WholeRun got = run_distributed<double>(MPI_COMM_WORLD, shape, problem, 9, settings);
      double deviation = 0.0;
      for (std::int64_t j = 0; j < got.h.cols; ++j) {
        double sum = 0.0;
        for (std::int64_t l = 0; l < got.h.rows; ++l) sum += got.h(l, j);
        deviation = std::max(deviation, std::abs(sum - 1.0));
      }
      SCOPED_TRACE(to_string(algorithm) + " weight " + std::to_string(weight));
      if (weight == 0.0) {
        free_deviation = deviation;
        EXPECT_GT(free_deviation, 0.1);  // the synthetic H does not sum to one
      } else {
        EXPECT_LT(deviation, 0.01 * free_deviation);
      }
    }
  }
}

TEST(DistributedUnmixingTerms, SettingsRefuseWhatTheyCannotDo) {
  SolverSettings settings;
  settings.algorithm = Algorithm::kMu;
  settings.unmixing.volume_weight = 1.0;
  settings.unmixing.volume_epsilon = 0.1;
  EXPECT_THROW(settings.validate(), UsageError);  // MU cannot take the volume Gram
  settings.algorithm = Algorithm::kBpp;
  EXPECT_NO_THROW(settings.validate());
  settings.unmixing.volume_epsilon = 0.0;
  EXPECT_THROW(settings.validate(), UsageError);
  settings.unmixing = {};
  settings.unmixing.sum_to_one_weight = -1.0;
  EXPECT_THROW(settings.validate(), UsageError);
  settings.unmixing.sum_to_one_weight = 1.0;
  settings.loss = Loss{1.0};
  settings.algorithm = Algorithm::kMu;
  EXPECT_THROW(settings.validate(), UsageError);  // KL has no augmented-row form here
}

}  // namespace
}  // namespace gridnmf::testing
