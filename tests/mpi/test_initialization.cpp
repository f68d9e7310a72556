// Starts of the factorization: NNDSVD variants against a serial NNDSVD on
// LAPACK's dgesvd, and grid independence of every start (bitwise for random),
// on every grid of the current rank count with sizes that do not divide evenly.
#include <gtest/gtest.h>

#include "distributed_helpers.hpp"
#include "gridnmf/generate/synthetic_matrix.hpp"
#include "gridnmf/init/data_mean.hpp"
#include "gridnmf/init/initial_factors.hpp"
#include "gridnmf/init/random_init.hpp"
#include "serial_nndsvd.hpp"

namespace gridnmf::testing {
namespace {

using reference::Dense;

struct Start {
  Dense w;
  Dense h;
};

// initial_factors on grid `shape` of `comm`, assembled whole on every rank.
template <typename T>
Start start_on(MPI_Comm comm, GridShape shape, const SyntheticProblem& problem,
               const std::string& init, std::uint64_t seed, const linalg::SvdSettings& svd = {}) {
  const ProcessGrid grid(comm, shape);
  const Distribution dist(problem.rows, problem.cols, shape.rows, shape.cols);
  const DataBlock<T> v(synthetic_block<T>(problem, dist.block_rows(grid.row()), dist.block_cols(grid.col())));
  auto [w, ht] = initial_factors<T>(grid, dist, v, parse_init(init), problem.rank, seed, svd);
  return {assemble_w(grid, dist, w), assemble_h(grid, dist, ht)};
}

// The same start computed by this rank alone on a 1x1 grid.
Start start_alone(const SyntheticProblem& problem, const std::string& init, std::uint64_t seed) {
  return start_on<double>(MPI_COMM_SELF, {1, 1}, problem, init, seed);
}

Dense whole_v(const SyntheticProblem& problem) {
  Dense v(problem.rows, problem.cols);
  v.v = synthetic_block<double>(problem, {0, problem.rows}, {0, problem.cols}).values;
  return v;
}

// Noisy (full-rank) and exact low-rank problems, k = the problem's rank;
// 3 x 9 leaves a rank without W rows on a 1x4 grid.
const SyntheticProblem kProblems[] = {{37, 23, 4, 0.05, 7}, {23, 37, 5, 0.05, 8},
                                      {41, 29, 6, 0.0, 9},  {3, 9, 2, 0.1, 10},
                                      {30, 30, 3, 0.0, 11}};

TEST(Nndsvd, EveryVariantEqualsSerialReferenceOnEveryGrid) {
  linalg::SvdSettings exact;
  exact.oversampling = 1000;  // sketch as wide as min(m, n): the SVD is exact
  exact.power_iterations = 0;
  const struct {
    const char* name;
    reference::Fill fill;
  } variants[] = {{"nndsvd", reference::Fill::kZeros},
                  {"nndsvda", reference::Fill::kMean},
                  {"nndsvdar", reference::Fill::kRandom}};
  for (const SyntheticProblem& problem : kProblems) {
    const Dense v = whole_v(problem);
    for (const auto& variant : variants) {
      const reference::NndsvdStart expected = reference::serial_nndsvd(v, problem.rank, variant.fill, 13);
      // A tie between the part products, or an entry at the zero threshold,
      // would make the start depend on rounding: such data proves nothing.
      ASSERT_GT(expected.smallest_choice_gap, 1e-6);
      ASSERT_GT(expected.smallest_threshold_gap, 1e-4);
      for (const GridShape shape : all_grid_shapes(world_size())) {
        if (shape.rows > problem.rows || shape.cols > problem.cols) continue;
        SCOPED_TRACE(std::string(variant.name) + " " + shape.to_string() + " on " +
                     std::to_string(problem.rows) + "x" + std::to_string(problem.cols));
        const Start got = start_on<double>(MPI_COMM_WORLD, shape, problem, variant.name, 13, exact);
        EXPECT_LT(relative_difference(got.w, expected.w), 1e-8);
        EXPECT_LT(relative_difference(got.h, expected.h), 1e-8);
        for (double x : got.w.v) EXPECT_GE(x, 0.0);
        for (double x : got.h.v) EXPECT_GE(x, 0.0);
      }
    }
  }
}

// The default sketch (p = 10, q = 1) is exact on data of rank k.
TEST(Nndsvd, DefaultSketchIsExactOnRankKData) {
  for (const SyntheticProblem problem :
       {SyntheticProblem{60, 45, 3, 0.0, 4}, SyntheticProblem{45, 70, 5, 0.0, 5}}) {
    const reference::NndsvdStart expected =
        reference::serial_nndsvd(whole_v(problem), problem.rank, reference::Fill::kZeros, 1);
    ASSERT_GT(expected.smallest_choice_gap, 1e-6);
    ASSERT_GT(expected.smallest_threshold_gap, 1e-4);
    for (const GridShape shape : all_grid_shapes(world_size())) {
      SCOPED_TRACE(shape.to_string());
      const Start got = start_on<double>(MPI_COMM_WORLD, shape, problem, "nndsvd", 1);
      EXPECT_LT(relative_difference(got.w, expected.w), 1e-8);
      EXPECT_LT(relative_difference(got.h, expected.h), 1e-8);
    }
  }
}

// float32 runs start from the same NNDSVD to single precision.
TEST(Nndsvd, Float32FollowsFloat64) {
  const SyntheticProblem problem{37, 23, 4, 0.0, 7};
  const Start expected = start_alone(problem, "nndsvda", 3);
  for (const GridShape shape : all_grid_shapes(world_size())) {
    SCOPED_TRACE(shape.to_string());
    const Start got = start_on<float>(MPI_COMM_WORLD, shape, problem, "nndsvda", 3);
    EXPECT_LT(relative_difference(got.w, expected.w), 1e-4);
    EXPECT_LT(relative_difference(got.h, expected.h), 1e-4);
  }
}

// The "Must show": the random start of the command line (scale
// from mean(V) included) is bitwise the same on 1x1, 2x2, 4x1 and every
// other grid.
TEST(RandomStart, BitwiseTheSameOnEveryGridIncludingItsScale) {
  for (const SyntheticProblem& problem : kProblems) {
    const Start alone = start_alone(problem, "random", 21);
    for (const GridShape shape : all_grid_shapes(world_size())) {
      if (shape.rows > problem.rows || shape.cols > problem.cols) continue;
      SCOPED_TRACE(shape.to_string() + " on " + std::to_string(problem.rows) + "x" +
                   std::to_string(problem.cols));
      const Start got = start_on<double>(MPI_COMM_WORLD, shape, problem, "random", 21);
      EXPECT_EQ(got.w.v, alone.w.v);
      EXPECT_EQ(got.h.v, alone.h.v);
    }
  }
}

// scikit-learn's scale: entries average sqrt(mean(V) / k), so W H has the
// mean of V in expectation; a different seed gives a different start.
TEST(RandomStart, ScaleMakesWhMatchTheMeanOfV) {
  const SyntheticProblem problem{400, 300, 5, 0.0, 3};
  const Start start = start_alone(problem, "random", 2);
  const Dense wh = reference::multiply(start.w, start.h);
  double v_mean = 0.0, wh_mean = 0.0;
  for (double x : whole_v(problem).v) v_mean += x;
  for (double x : wh.v) wh_mean += x;
  v_mean /= problem.rows * problem.cols;
  wh_mean /= problem.rows * problem.cols;
  EXPECT_NEAR(wh_mean / v_mean, 1.0, 0.05);
  double w_mean = 0.0;
  for (double x : start.w.v) w_mean += x;
  w_mean /= start.w.v.size();
  EXPECT_NEAR(w_mean / std::sqrt(v_mean / problem.rank), 1.0, 0.05);
  EXPECT_NE(start_alone(problem, "random", 3).w.v, start.w.v);
}

TEST(RandomStart, NndsvdarFillIsGridIndependent) {
  const SyntheticProblem problem{41, 29, 6, 0.0, 9};
  const Start alone = start_alone(problem, "nndsvdar", 5);
  for (const GridShape shape : all_grid_shapes(world_size())) {
    SCOPED_TRACE(shape.to_string());
    const Start got = start_on<double>(MPI_COMM_WORLD, shape, problem, "nndsvdar", 5);
    EXPECT_LT(relative_difference(got.w, alone.w), 1e-10);
    EXPECT_LT(relative_difference(got.h, alone.h), 1e-10);
  }
}

// --init spa: W holds exact columns of V, H the NNLS solution; the same on
// every grid.
TEST(SpaStart, ColumnsOfVAndTheSameOnEveryGrid) {
  const SyntheticProblem problem{37, 23, 4, 0.05, 7};
  const Start alone = start_alone(problem, "spa", 1);
  const Dense v = whole_v(problem);
  for (std::int64_t c = 0; c < problem.rank; ++c) {
    bool found = false;
    for (std::int64_t j = 0; j < problem.cols && !found; ++j) {
      bool same = true;
      for (std::int64_t i = 0; i < problem.rows && same; ++i) same = alone.w(i, c) == v(i, j);
      found = same;
    }
    EXPECT_TRUE(found) << "W column " << c << " is not a column of V";
  }
  for (const GridShape shape : all_grid_shapes(world_size())) {
    SCOPED_TRACE(shape.to_string());
    const Start got = start_on<double>(MPI_COMM_WORLD, shape, problem, "spa", 1);
    EXPECT_EQ(got.w.v, alone.w.v);
    EXPECT_LT(relative_difference(got.h, alone.h), 1e-10);
  }
}

TEST(DataMean, BitwiseTheSameOnEveryGrid) {
  for (const SyntheticProblem& problem : kProblems) {
    const ProcessGrid self(MPI_COMM_SELF, {1, 1});
    const double alone = grid_independent_mean(
        self, DataBlock<double>(synthetic_block<double>(problem, {0, problem.rows}, {0, problem.cols})),
        problem.rows, problem.cols);
    double plain = 0.0;
    for (double x : whole_v(problem).v) plain += x;
    EXPECT_NEAR(alone, plain / (problem.rows * problem.cols), 1e-14 * alone);
    for (const GridShape shape : all_grid_shapes(world_size())) {
      if (shape.rows > problem.rows || shape.cols > problem.cols) continue;
      const ProcessGrid grid(MPI_COMM_WORLD, shape);
      const Distribution dist(problem.rows, problem.cols, shape.rows, shape.cols);
      const DataBlock<double> v(synthetic_block<double>(problem, dist.block_rows(grid.row()),
                                                        dist.block_cols(grid.col())));
      EXPECT_EQ(grid_independent_mean(grid, v, problem.rows, problem.cols), alone)
          << shape.to_string();
    }
  }
}

}  // namespace
}  // namespace gridnmf::testing
