// The distributed MU equals the serial reference on every grid of the current
// rank count, for sizes that do not divide evenly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "distributed_run.hpp"
#include "gridnmf/error.hpp"

namespace gridnmf::testing {
namespace {

struct Case {
  std::int64_t rows, cols, rank;
  double noise;
};

// 37 x 23 and its transpose, a noisy case, a tiny one, and 3 x 9 where on a
// 1x4 grid one rank owns no row of W (zero-size Gram, gather and update).
const Case kCases[] = {{37, 23, 4, 0.0}, {23, 37, 4, 0.0}, {41, 29, 5, 0.05}, {5, 7, 2, 0.0},
                       {3, 9, 2, 0.0}};

TEST(DistributedMu, EqualsSerialReferenceOnEveryGrid) {
  for (const Case& c : kCases) {
    const SyntheticProblem problem{c.rows, c.cols, c.rank, c.noise, 7};
    const WholeRun expected = run_reference(problem, 11, 20);
    for (const GridShape shape : all_grid_shapes(world_size())) {
      if (shape.rows > c.rows || shape.cols > c.cols) continue;
      SCOPED_TRACE(shape.to_string() + " on " + std::to_string(c.rows) + "x" +
                   std::to_string(c.cols));
      const WholeRun got = run_distributed<double>(MPI_COMM_WORLD, shape, problem, 11, 20);
      EXPECT_LT(relative_difference(got.w, expected.w), 1e-10);
      EXPECT_LT(relative_difference(got.h, expected.h), 1e-10);
      // EXPECT, not ASSERT: returning early on one rank would leave the
      // others waiting in the next grid's collectives.
      EXPECT_EQ(got.errors.size(), expected.errors.size());
      for (size_t it = 0; it < std::min(got.errors.size(), expected.errors.size()); ++it) {
        // The Gram identity against the error from an explicit W*H.
        EXPECT_NEAR(got.errors[it], expected.errors[it], 1e-9 * expected.errors[it] + 1e-12);
        if (it > 0) EXPECT_LE(got.errors[it], got.errors[it - 1] * (1 + 1e-12)) << "iteration " << it;
      }
    }
  }
}

TEST(DistributedMu, SameResultOnEveryGridAndOnOneRank) {
  const SyntheticProblem problem{37, 23, 4, 0.01, 3};
  // 1x1 on rank 0 alone, shared with the others by a broadcast.
  MPI_Comm solo = MPI_COMM_NULL;
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_split(MPI_COMM_WORLD, rank == 0 ? 0 : MPI_UNDEFINED, 0, &solo);
  WholeRun single{reference::Dense(37, 4), reference::Dense(4, 23), {}};
  if (rank == 0) {
    single = run_distributed<double>(solo, {1, 1}, problem, 5, 30);
    MPI_Comm_free(&solo);
  }
  MPI_Bcast(single.w.v.data(), static_cast<int>(single.w.v.size()), MPI_DOUBLE, 0, MPI_COMM_WORLD);
  MPI_Bcast(single.h.v.data(), static_cast<int>(single.h.v.size()), MPI_DOUBLE, 0, MPI_COMM_WORLD);

  for (const GridShape shape : all_grid_shapes(world_size())) {
    SCOPED_TRACE(shape.to_string());
    const WholeRun got = run_distributed<double>(MPI_COMM_WORLD, shape, problem, 5, 30);
    EXPECT_LT(relative_difference(got.w, single.w), 1e-10);
    EXPECT_LT(relative_difference(got.h, single.h), 1e-10);
  }
}

TEST(DistributedMu, RandomStartIsBitwiseTheSameOnEveryGrid) {
  const std::int64_t m = 37, n = 23, k = 4;
  const auto w_whole = random_w_rows<double>({0, m}, k, 9, 0.5);
  const auto ht_whole = random_ht_cols<double>({0, n}, k, 9, 0.5);
  for (const GridShape shape : all_grid_shapes(world_size())) {
    SCOPED_TRACE(shape.to_string());
    const ProcessGrid grid(MPI_COMM_WORLD, shape);
    const Distribution dist(m, n, shape.rows, shape.cols);
    const auto w = random_w_rows<double>(dist.owned_w_rows(grid.row(), grid.col()), k, 9, 0.5);
    const auto ht = random_ht_cols<double>(dist.owned_h_cols(grid.row(), grid.col()), k, 9, 0.5);
    EXPECT_EQ(assemble_w(grid, dist, w).v, w_whole.values);
    EXPECT_EQ(reference::transpose(assemble_h(grid, dist, ht)).v, ht_whole.values);
  }
}

// Stated tolerance for float32: after 20 iterations W and H agree with the
// float64 run to 1e-3 relative, and the error history to 1e-3 absolute (the
// Gram identity in single precision loses about half of its digits). The same
// for every algorithm, and for MU with the KL loss.
TEST(DistributedMu, Float32FollowsFloat64) {
  const SyntheticProblem problem{37, 23, 4, 0.0, 7};
  for (const auto& [algorithm, beta] : {std::pair{Algorithm::kMu, 2.0}, std::pair{Algorithm::kHals, 2.0},
                                        std::pair{Algorithm::kBpp, 2.0}, std::pair{Algorithm::kMu, 1.0}}) {
    SolverSettings settings = fixed_iterations(algorithm, 20);
    settings.loss = Loss{beta};
    const WholeRun expected = run_reference(problem, 11, settings);
    for (const GridShape shape : all_grid_shapes(world_size())) {
      SCOPED_TRACE(to_string(algorithm) + " beta " + std::to_string(beta) + " " + shape.to_string());
      const WholeRun got = run_distributed<float>(MPI_COMM_WORLD, shape, problem, 11, settings);
      EXPECT_LT(relative_difference(got.w, expected.w), 1e-3);
      EXPECT_LT(relative_difference(got.h, expected.h), 1e-3);
      // KL evaluates only some iterations (EvaluationSchedule), always the last.
      ASSERT_FALSE(got.iterations.empty());
      EXPECT_EQ(got.iterations.back(), 20);
      for (size_t i = 0; i < got.iterations.size(); ++i) {
        EXPECT_NEAR(got.errors[i], expected.errors.at(got.iterations[i] - 1), 1e-3);
      }
    }
  }
}

TEST(DistributedMu, Float32ConvergesOnExactLowRankData) {
  const SyntheticProblem problem{60, 45, 3, 0.0, 2};
  for (const GridShape shape : all_grid_shapes(world_size())) {
    SCOPED_TRACE(shape.to_string());
    const WholeRun got = run_distributed<float>(MPI_COMM_WORLD, shape, problem, 4, 500);
    const WholeRun reference = run_distributed<double>(MPI_COMM_WORLD, shape, problem, 4, 500);
    EXPECT_LT(got.errors.back(), 0.05);
    EXPECT_LT(got.errors.back(), 0.1 * got.errors.front());
    EXPECT_NEAR(got.errors.back(), reference.errors.back(), 2e-3);
  }
}

// A NaN in a factor must stop the run with an error on every rank, never be
// reported as an exact fit.
TEST(DistributedMu, NonFiniteIterateIsAnErrorOnEveryRank) {
  const SyntheticProblem problem{37, 23, 4, 0.0, 7};
  for (const GridShape shape : all_grid_shapes(world_size())) {
    SCOPED_TRACE(shape.to_string());
    const ProcessGrid grid(MPI_COMM_WORLD, shape);
    const Distribution dist(problem.rows, problem.cols, shape.rows, shape.cols);
    const DataBlock<double> v(synthetic_block<double>(
        problem, dist.block_rows(grid.row()), dist.block_cols(grid.col())));
    auto w = random_w_rows<double>(dist.owned_w_rows(grid.row(), grid.col()), 4, 1, 1.0);
    auto ht = random_ht_cols<double>(dist.owned_h_cols(grid.row(), grid.col()), 4, 1, 1.0);
    if (grid.rank() == grid.size() - 1 && w.size() > 0) w.values[0] = NAN;
    const MatrixStatistics stats = global_statistics(grid, v);
    std::string message;
    try {
      run_alternating_updates<double>(grid, dist, v, stats, std::move(w), std::move(ht),
                                      fixed_iterations(Algorithm::kMu, 10));
    } catch (const Error& e) {
      message = e.what();
    }
    EXPECT_EQ(message, "iteration 1 produced a non-finite value in W or H; no result was written");
  }
}

}  // namespace
}  // namespace gridnmf::testing
