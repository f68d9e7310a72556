// Hoyer's sparseness constraints (--sparseness-w/-h) equal the serial nmfsc
// reference on every grid of the current rank count, keep every column of W
// and row of H at the requested sparseness, and never increase the objective.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "distributed_run.hpp"
#include "gridnmf/local/sparseness_projection.hpp"
#include "serial_sparse_nmf.hpp"

namespace gridnmf::testing {
namespace {

struct ConstraintCase {
  Algorithm algorithm;  // the unconstrained factor's update
  double w;
  double h;
};

const ConstraintCase kCases[] = {
    {Algorithm::kMu, 0.6, 0.0},
    {Algorithm::kMu, 0.0, 0.4},
    {Algorithm::kHals, 0.5, 0.3},
    {Algorithm::kBpp, 0.7, 0.0},
};

// The serial nmfsc from the distributed run's random start.
reference::SparseNmfRun serial_nmfsc(const SyntheticProblem& problem, std::uint64_t seed,
                                     const ConstraintCase& c, int iterations, reference::Dense& w,
                                     reference::Dense& h) {
  const LocalMatrix<double> v_local =
      synthetic_block<double>(problem, {0, problem.rows}, {0, problem.cols});
  reference::Dense v(problem.rows, problem.cols);
  v.v = v_local.values;
  const double scale = start_scale(problem);
  w.v = random_w_rows<double>({0, problem.rows}, problem.rank, seed, scale).values;
  reference::Dense ht(problem.cols, problem.rank);
  ht.v = random_ht_cols<double>({0, problem.cols}, problem.rank, seed, scale).values;
  h = reference::transpose(ht);
  switch (c.algorithm) {
    case Algorithm::kHals:
      return reference::sparse_nmf(v, w, h, c.w, c.h, iterations, reference::hals_update_h);
    case Algorithm::kBpp:
      return reference::sparse_nmf(v, w, h, c.w, c.h, iterations, reference::nnls_update_h);
    default:
      return reference::sparse_nmf(v, w, h, c.w, c.h, iterations, reference::mu_update_h);
  }
}

double column_sparseness(const reference::Dense& x, std::int64_t c) {
  std::vector<double> column(x.rows);
  for (std::int64_t r = 0; r < x.rows; ++r) column[r] = x(r, c);
  return local::hoyer_sparseness(column.data(), x.rows);
}

TEST(SparsenessConstraint, EqualsSerialNmfscOnEveryGrid) {
  const SyntheticProblem problem{37, 23, 4, 0.05, 7};
  const int iterations = 12;
  for (const ConstraintCase& c : kCases) {
    reference::Dense w(problem.rows, problem.rank), h(problem.rank, problem.cols);
    const reference::SparseNmfRun expected = serial_nmfsc(problem, 11, c, iterations, w, h);
    SolverSettings settings = fixed_iterations(c.algorithm, iterations);
    settings.sparseness = {c.w, c.h};
    for (const GridShape shape : all_grid_shapes(world_size())) {
      SCOPED_TRACE(to_string(c.algorithm) + " sparseness w " + std::to_string(c.w) + " h " +
                   std::to_string(c.h) + " grid " + shape.to_string());
      const WholeRun got = run_distributed<double>(MPI_COMM_WORLD, shape, problem, 11, settings);
      EXPECT_LT(relative_difference(got.w, w), 1e-10);
      EXPECT_LT(relative_difference(got.h, h), 1e-10);
      ASSERT_EQ(got.objectives.size(), expected.objectives.size());
      for (size_t it = 0; it < got.objectives.size(); ++it) {
        EXPECT_NEAR(got.objectives[it], expected.objectives[it], 1e-9 * expected.objectives[it]);
        // Within the constraint set the objective never increases.
        if (it > 0) EXPECT_LE(got.objectives[it], got.objectives[it - 1] * (1 + 1e-12));
      }
      for (std::int64_t l = 0; l < problem.rank; ++l) {
        if (c.w > 0) EXPECT_NEAR(column_sparseness(got.w, l), c.w, 1e-10) << "W column " << l;
        const reference::Dense ht = reference::transpose(got.h);
        if (c.h > 0) EXPECT_NEAR(column_sparseness(ht, l), c.h, 1e-10) << "H row " << l;
        EXPECT_NEAR(reference::column_norm(ht, l), 1.0, 1e-12) << "H row " << l;
        for (double x : got.w.v) EXPECT_GE(x, 0.0);
        for (double x : got.h.v) EXPECT_GE(x, 0.0);
      }
    }
  }
}

TEST(SparsenessConstraint, ObjectiveNeverIncreasesOverALongRun) {
  const SyntheticProblem problem{41, 29, 5, 0.1, 3};
  SolverSettings settings = fixed_iterations(Algorithm::kMu, 60);
  settings.sparseness = {0.7, 0.2};
  const GridShape shape = all_grid_shapes(world_size()).back();
  const WholeRun got = run_distributed<double>(MPI_COMM_WORLD, shape, problem, 4, settings);
  for (size_t it = 1; it < got.objectives.size(); ++it) {
    EXPECT_LE(got.objectives[it], got.objectives[it - 1] * (1 + 1e-12)) << "iteration " << it + 1;
  }
  EXPECT_LT(got.objectives.back(), got.objectives.front());
}

}  // namespace
}  // namespace gridnmf::testing
