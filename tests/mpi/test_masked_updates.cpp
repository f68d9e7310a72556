// Masked NMF (missing and held-out entries) equals the serial masked reference
// on every grid of the current rank count, for sizes that do not divide
// evenly; the held-out mask is the same on every grid.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "distributed_run.hpp"
#include "gridnmf/local/masked_terms.hpp"
#include "gridnmf/matrix/holdout_mask.hpp"
#include "serial_masked.hpp"

namespace gridnmf::testing {
namespace {

// A fixed pattern of missing entries, by global index.
bool missing_at(std::int64_t r, std::int64_t c) { return (r * 7 + c * 3) % 11 == 0; }

constexpr double kHoldout = 0.2;
constexpr std::uint64_t kHoldoutSeed = 5;

SolverSettings masked_settings(Algorithm algorithm, double beta, int iterations) {
  SolverSettings settings = fixed_iterations(algorithm, iterations);
  settings.loss.beta = beta;
  settings.mask = MaskSettings{true, kHoldout, kHoldoutSeed};
  return settings;
}

struct MaskedRun {
  WholeRun run;
  double heldout_error = 0.0;
  double heldout_entries = 0.0, missing_entries = 0.0;
};

template <typename T>
MaskedRun run_masked(GridShape shape, const SyntheticProblem& problem, std::uint64_t seed,
                     const SolverSettings& settings) {
  const ProcessGrid grid(MPI_COMM_WORLD, shape);
  const Distribution dist(problem.rows, problem.cols, shape.rows, shape.cols);
  const IndexRange rows = dist.block_rows(grid.row());
  const IndexRange cols = dist.block_cols(grid.col());
  LocalMatrix<T> block = synthetic_block<T>(problem, rows, cols);
  for (std::int64_t r = 0; r < rows.size; ++r)
    for (std::int64_t c = 0; c < cols.size; ++c)
      if (missing_at(rows.begin + r, cols.begin + c)) block(r, c) = -T(0);
  const DataBlock<T> v(std::move(block));
  const double scale = start_scale(problem);
  auto w = random_w_rows<T>(dist.owned_w_rows(grid.row(), grid.col()), problem.rank, seed, scale);
  auto ht = random_ht_cols<T>(dist.owned_h_cols(grid.row(), grid.col()), problem.rank, seed,
                              scale);
  const MatrixStatistics stats = global_statistics(grid, v);
  const Factorization<T> result =
      run_alternating_updates<T>(grid, dist, v, stats, std::move(w), std::move(ht), settings);
  MaskedRun out{{assemble_w(grid, dist, result.w_own), assemble_h(grid, dist, result.ht_own),
                 {}, {}, result.stop_reason},
                result.heldout_error, result.heldout_entries, result.missing_entries};
  for (const IterationRecord& record : result.history) {
    out.run.errors.push_back(record.relative_error);
    out.run.objectives.push_back(record.objective);
  }
  return out;
}

// The whole V, the training mask (1 = observed) and the held-out selector.
struct WholeMasks {
  reference::Dense v, observed, heldout;
  double heldout_count = 0.0, missing_count = 0.0;
};

WholeMasks whole_masks(const SyntheticProblem& problem) {
  WholeMasks masks{reference::Dense(problem.rows, problem.cols),
                   reference::Dense(problem.rows, problem.cols),
                   reference::Dense(problem.rows, problem.cols)};
  masks.v.v = synthetic_block<double>(problem, {0, problem.rows}, {0, problem.cols}).values;
  const HoldoutMask holdout(kHoldoutSeed, kHoldout);
  for (std::int64_t r = 0; r < problem.rows; ++r) {
    for (std::int64_t c = 0; c < problem.cols; ++c) {
      if (missing_at(r, c)) {
        masks.v(r, c) = 0.0;
        masks.missing_count += 1.0;
      } else if (holdout.hides(r, c)) {
        masks.heldout(r, c) = 1.0;
        masks.heldout_count += 1.0;
      } else {
        masks.observed(r, c) = 1.0;
      }
    }
  }
  return masks;
}

// The reference run from the same start; returns the held-out error at the end.
WholeRun run_masked_reference(const SyntheticProblem& problem, const WholeMasks& masks,
                              std::uint64_t seed, Algorithm algorithm, double beta,
                              int iterations) {
  const double scale = start_scale(problem);
  WholeRun run{reference::Dense(problem.rows, problem.rank),
               reference::Dense(problem.rank, problem.cols), {}, {}, StopReason::kMaxIterations};
  run.w.v = random_w_rows<double>({0, problem.rows}, problem.rank, seed, scale).values;
  reference::Dense ht(problem.cols, problem.rank);
  ht.v = random_ht_cols<double>({0, problem.cols}, problem.rank, seed, scale).values;
  run.h = reference::transpose(ht);
  const double floor = local::beta_floor<double>();
  const auto kl = [&](const reference::Dense& v, const reference::Dense& m,
                      const reference::Dense& w, reference::Dense& h, reference::Penalty p) {
    reference::masked_kl_update_h(v, m, w, h, p, floor);
  };
  for (int it = 0; it < iterations; ++it) {
    if (algorithm == Algorithm::kBpp) {
      reference::masked_iteration(masks.v, masks.observed, run.w, run.h, {}, {},
                                  reference::imputed_nnls_update_h);
    } else if (beta == 2.0) {
      reference::masked_iteration(masks.v, masks.observed, run.w, run.h, {}, {},
                                  reference::masked_mu_update_h);
    } else {
      reference::masked_iteration(masks.v, masks.observed, run.w, run.h, {}, {}, kl);
    }
    run.errors.push_back(reference::selected_relative_error(masks.v, masks.observed, run.w, run.h));
    run.objectives.push_back(
        reference::masked_loss(masks.v, masks.observed, run.w, run.h, beta, floor));
  }
  return run;
}

struct Case {
  std::int64_t rows, cols, rank;
  double noise;
};
const Case kCases[] = {{37, 23, 4, 0.0}, {23, 41, 3, 0.05}, {5, 9, 2, 0.0}};

void expect_matches_reference(Algorithm algorithm, double beta, int iterations) {
  for (const Case& c : kCases) {
    const SyntheticProblem problem{c.rows, c.cols, c.rank, c.noise, 7};
    const WholeMasks masks = whole_masks(problem);
    const WholeRun expected = run_masked_reference(problem, masks, 11, algorithm, beta, iterations);
    const double expected_heldout =
        reference::selected_relative_error(masks.v, masks.heldout, expected.w, expected.h);
    for (const GridShape shape : all_grid_shapes(world_size())) {
      if (shape.rows > c.rows || shape.cols > c.cols) continue;
      SCOPED_TRACE(shape.to_string() + " on " + std::to_string(c.rows) + "x" +
                   std::to_string(c.cols) + ", " + to_string(algorithm) + " beta " +
                   std::to_string(beta));
      const MaskedRun got = run_masked<double>(shape, problem, 11,
                                               masked_settings(algorithm, beta, iterations));
      EXPECT_LT(relative_difference(got.run.w, expected.w), 1e-10);
      EXPECT_LT(relative_difference(got.run.h, expected.h), 1e-10);
      // The held-out mask seen by the blocks of this grid is the whole one.
      EXPECT_EQ(got.heldout_entries, masks.heldout_count);
      EXPECT_EQ(got.missing_entries, masks.missing_count);
      EXPECT_NEAR(got.heldout_error, expected_heldout, 1e-10 * expected_heldout);
      EXPECT_EQ(got.run.objectives.size(), expected.objectives.size());
      for (size_t it = 0; it < std::min(got.run.objectives.size(), expected.objectives.size());
           ++it) {
        EXPECT_NEAR(got.run.objectives[it], expected.objectives[it],
                    1e-9 * expected.objectives[it] + 1e-14);
        EXPECT_NEAR(got.run.errors[it], expected.errors[it], 1e-9 * expected.errors[it] + 1e-14);
        // The masked objective never increases.
        if (it > 0) {
          EXPECT_LE(got.run.objectives[it], got.run.objectives[it - 1] * (1 + 1e-12))
              << "iteration " << it;
        }
      }
    }
  }
}

TEST(MaskedUpdates, FrobeniusMuEqualsSerialMaskedReferenceOnEveryGrid) {
  expect_matches_reference(Algorithm::kMu, 2.0, 15);
}

TEST(MaskedUpdates, KullbackLeiblerMuEqualsSerialMaskedReferenceOnEveryGrid) {
  expect_matches_reference(Algorithm::kMu, 1.0, 15);
}

TEST(MaskedUpdates, ImputedBppEqualsSerialReferenceOnEveryGrid) {
  expect_matches_reference(Algorithm::kBpp, 2.0, 8);
}

// Sparse blocks: V with the zeros of a fixed pattern, the missing entries
// stored as -0.0 (as --missing-pattern leaves them), one panel.
bool zero_at(std::int64_t r, std::int64_t c) { return (r * 5 + c * 2) % 3 == 0; }

template <typename T>
SparseBlock<T> sparse_block(const SyntheticProblem& problem, const IndexRange& rows,
                            const IndexRange& cols) {
  const LocalMatrix<T> dense = synthetic_block<T>(problem, rows, cols);
  SparseBlock<T> block;
  block.rows = rows.size;
  block.cols = cols.size;
  block.panel_cols = std::max<std::int64_t>(cols.size, 1);
  block.row_start.push_back(0);
  for (std::int64_t r = 0; r < rows.size; ++r) {
    for (std::int64_t c = 0; c < cols.size; ++c) {
      const std::int64_t gr = rows.begin + r, gc = cols.begin + c;
      if (missing_at(gr, gc)) {
        block.col_index.push_back(static_cast<std::int32_t>(c));
        block.values.push_back(-T(0));
      } else if (!zero_at(gr, gc)) {
        block.col_index.push_back(static_cast<std::int32_t>(c));
        block.values.push_back(dense(r, c));
      }
    }
    block.row_start.push_back(static_cast<std::int64_t>(block.values.size()));
  }
  return block;
}

// The whole problem with the sparse held-out rule of the README: the
// nonzeros the hash hides, then per row as many zero candidates.
WholeMasks whole_sparse_masks(const SyntheticProblem& problem) {
  WholeMasks masks = whole_masks(problem);
  const HoldoutMask holdout(kHoldoutSeed, kHoldout);
  for (std::int64_t r = 0; r < problem.rows; ++r) {
    std::int64_t hidden = 0;
    for (std::int64_t c = 0; c < problem.cols; ++c) {
      masks.heldout(r, c) = 0.0;
      if (missing_at(r, c)) continue;
      masks.observed(r, c) = 1.0;
      if (zero_at(r, c)) {
        masks.v(r, c) = 0.0;
      } else if (holdout.hides(r, c)) {
        masks.observed(r, c) = 0.0;
        masks.heldout(r, c) = 1.0;
        ++hidden;
      }
    }
    for (std::int64_t t = 0; t < hidden; ++t) {
      const std::int64_t c = local::MaskedTerms<double>::zero_candidate(
          static_cast<std::int64_t>(holdout.row_key(r)), t, problem.cols);
      if (zero_at(r, c) && !missing_at(r, c)) {
        masks.observed(r, c) = 0.0;
        masks.heldout(r, c) = 1.0;
      }
    }
  }
  masks.heldout_count = 0.0;
  for (double x : masks.heldout.v) masks.heldout_count += x;
  return masks;
}

template <typename T>
MaskedRun run_sparse_masked(GridShape shape, const SyntheticProblem& problem, std::uint64_t seed,
                            const SolverSettings& settings) {
  const ProcessGrid grid(MPI_COMM_WORLD, shape);
  const Distribution dist(problem.rows, problem.cols, shape.rows, shape.cols);
  const DataBlock<T> v(sparse_block<T>(problem, dist.block_rows(grid.row()),
                                       dist.block_cols(grid.col())));
  const double scale = start_scale(problem);
  auto w = random_w_rows<T>(dist.owned_w_rows(grid.row(), grid.col()), problem.rank, seed, scale);
  auto ht = random_ht_cols<T>(dist.owned_h_cols(grid.row(), grid.col()), problem.rank, seed,
                              scale);
  const Factorization<T> result = run_alternating_updates<T>(
      grid, dist, v, MatrixStatistics{}, std::move(w), std::move(ht), settings);
  MaskedRun out{{assemble_w(grid, dist, result.w_own), assemble_h(grid, dist, result.ht_own),
                 {}, {}, result.stop_reason},
                result.heldout_error, result.heldout_entries, result.missing_entries};
  for (const IterationRecord& record : result.history) {
    out.run.errors.push_back(record.relative_error);
    out.run.objectives.push_back(record.objective);
  }
  return out;
}

// Masked Frobenius MU, imputed BPP and masked KL MU (beta 1) on sparse blocks.
TEST(MaskedUpdates, SparseBlocksEqualSerialMaskedReferenceOnEveryGrid) {
  const std::pair<Algorithm, double> rules[] = {
      {Algorithm::kMu, 2.0}, {Algorithm::kBpp, 2.0}, {Algorithm::kMu, 1.0}};
  for (const auto& [algorithm, beta] : rules) {
    for (const Case& c : kCases) {
      const SyntheticProblem problem{c.rows, c.cols, c.rank, c.noise, 7};
      const WholeMasks masks = whole_sparse_masks(problem);
      const WholeRun expected = run_masked_reference(problem, masks, 11, algorithm, beta, 8);
      const double expected_heldout =
          reference::selected_relative_error(masks.v, masks.heldout, expected.w, expected.h);
      for (const GridShape shape : all_grid_shapes(world_size())) {
        if (shape.rows > c.rows || shape.cols > c.cols) continue;
        SCOPED_TRACE(shape.to_string() + " on " + std::to_string(c.rows) + "x" +
                     std::to_string(c.cols) + ", sparse " + to_string(algorithm) + " beta " +
                     std::to_string(beta));
        const MaskedRun got =
            run_sparse_masked<double>(shape, problem, 11, masked_settings(algorithm, beta, 8));
        EXPECT_LT(relative_difference(got.run.w, expected.w), 1e-10);
        EXPECT_LT(relative_difference(got.run.h, expected.h), 1e-10);
        EXPECT_EQ(got.heldout_entries, masks.heldout_count);
        EXPECT_EQ(got.missing_entries, masks.missing_count);
        EXPECT_NEAR(got.heldout_error, expected_heldout, 1e-10 * expected_heldout);
        for (size_t it = 0; it < std::min(got.run.objectives.size(), expected.objectives.size());
             ++it) {
          EXPECT_NEAR(got.run.objectives[it], expected.objectives[it],
                      1e-9 * expected.objectives[it] + 1e-14);
          EXPECT_NEAR(got.run.errors[it], expected.errors[it], 1e-9 * expected.errors[it] + 1e-14);
          if (algorithm == Algorithm::kMu && it > 0) {  // MU never increases its objective
            EXPECT_LE(got.run.objectives[it], got.run.objectives[it - 1] * (1 + 1e-12))
                << "iteration " << it;
          }
        }
      }
    }
  }
}

// The held-out divergence of sparse masked KL is d_KL summed over the
// held-out entries (nonzeros and sampled zeros).
TEST(MaskedUpdates, SparseKullbackLeiblerHeldoutDivergenceIsSummedAtTheHeldoutEntries) {
  const SyntheticProblem problem{37, 23, 4, 0.05, 7};
  const WholeMasks masks = whole_sparse_masks(problem);
  const WholeRun expected = run_masked_reference(problem, masks, 11, Algorithm::kMu, 1.0, 6);
  const double expected_divergence = reference::masked_loss(
      masks.v, masks.heldout, expected.w, expected.h, 1.0, local::beta_floor<double>());
  for (const GridShape shape : all_grid_shapes(world_size())) {
    SCOPED_TRACE(shape.to_string());
    const ProcessGrid grid(MPI_COMM_WORLD, shape);
    const Distribution dist(problem.rows, problem.cols, shape.rows, shape.cols);
    const DataBlock<double> v(sparse_block<double>(problem, dist.block_rows(grid.row()),
                                                   dist.block_cols(grid.col())));
    const double scale = start_scale(problem);
    auto w = random_w_rows<double>(dist.owned_w_rows(grid.row(), grid.col()), problem.rank, 11,
                                   scale);
    auto ht = random_ht_cols<double>(dist.owned_h_cols(grid.row(), grid.col()), problem.rank, 11,
                                     scale);
    const Factorization<double> result =
        run_alternating_updates<double>(grid, dist, v, MatrixStatistics{}, std::move(w),
                                        std::move(ht), masked_settings(Algorithm::kMu, 1.0, 6));
    EXPECT_NEAR(result.heldout_divergence, expected_divergence, 1e-10 * expected_divergence);
  }
}

TEST(MaskedUpdates, SparseKullbackLeiblerFloat32FollowsFloat64) {
  const SyntheticProblem problem{37, 23, 4, 0.0, 7};
  for (const GridShape shape : all_grid_shapes(world_size())) {
    SCOPED_TRACE(shape.to_string());
    const SolverSettings settings = masked_settings(Algorithm::kMu, 1.0, 10);
    const MaskedRun single = run_sparse_masked<float>(shape, problem, 11, settings);
    const MaskedRun twice = run_sparse_masked<double>(shape, problem, 11, settings);
    EXPECT_LT(relative_difference(single.run.w, twice.run.w), 1e-3);
    EXPECT_NEAR(single.run.objectives.back(), twice.run.objectives.back(),
                1e-3 * twice.run.objectives.back());
  }
}

TEST(MaskedUpdates, Float32FollowsFloat64) {
  const SyntheticProblem problem{37, 23, 4, 0.0, 7};
  for (const GridShape shape : all_grid_shapes(world_size())) {
    SCOPED_TRACE(shape.to_string());
    const SolverSettings settings = masked_settings(Algorithm::kMu, 2.0, 10);
    const MaskedRun single = run_masked<float>(shape, problem, 11, settings);
    const MaskedRun twice = run_masked<double>(shape, problem, 11, settings);
    EXPECT_LT(relative_difference(single.run.w, twice.run.w), 1e-3);
    EXPECT_NEAR(single.heldout_error, twice.heldout_error, 1e-3 * twice.heldout_error);
  }
}

}  // namespace
}  // namespace gridnmf::testing
