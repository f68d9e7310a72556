// SPA and the column factors built from chosen columns equal their serial
// references on every grid of the current rank count, recover the pure
// columns of separable matrices and the endmembers of synthetic scenes with
// pure pixels, and choose the same columns on every grid.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <set>
#include <string>

#include "distributed_helpers.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/generate/hyperspectral_scene.hpp"
#include "gridnmf/init/endmember_selection.hpp"
#include "spa_reference.hpp"

namespace gridnmf::testing {
namespace {

// This rank's block of a whole matrix, in precision T.
template <typename T>
DataBlock<T> block_of(const reference::Dense& whole, const ProcessGrid& grid,
                      const Distribution& dist) {
  const IndexRange rows = dist.block_rows(grid.row());
  const IndexRange cols = dist.block_cols(grid.col());
  LocalMatrix<T> block(rows.size, cols.size);
  for (std::int64_t r = 0; r < rows.size; ++r)
    for (std::int64_t c = 0; c < cols.size; ++c)
      block(r, c) = static_cast<T>(whole(rows.begin + r, cols.begin + c));
  return DataBlock<T>(std::move(block));
}

// The grids of the current rank count that fit an m x n matrix.
std::vector<GridShape> grids_for(std::int64_t m, std::int64_t n) {
  std::vector<GridShape> shapes;
  for (const GridShape shape : all_grid_shapes(world_size()))
    if (shape.rows <= m && shape.cols <= n) shapes.push_back(shape);
  return shapes;
}

reference::Dense uniform_matrix(std::int64_t rows, std::int64_t cols, double low, double high,
                                std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::uniform_real_distribution<double> uniform(low, high);
  reference::Dense x(rows, cols);
  for (double& value : x.v) value = uniform(engine);
  return x;
}

// A separable V = W [I, H'] with columns permuted: H' >= 0 with column sums
// in [0.1, 0.9], so the pure columns are the vertices SPA must find.
struct Separable {
  reference::Dense v;
  reference::Dense w;
  reference::Dense h;  // k x n, the permuted [I, H']
  std::vector<std::int64_t> pure;  // pure[l]: the column of V equal to W(:, l)
};

Separable separable(std::int64_t m, std::int64_t n, std::int64_t k, std::uint64_t seed) {
  std::mt19937_64 engine(seed);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  const reference::Dense w = uniform_matrix(m, k, 0.1, 1.0, seed + 1);
  std::vector<std::int64_t> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), engine);
  reference::Dense h(k, n);
  std::vector<std::int64_t> pure(static_cast<size_t>(k));
  for (std::int64_t c = 0; c < n; ++c) {
    const std::int64_t column = order[c];
    if (c < k) {
      h(c, column) = 1.0;
      pure[c] = column;
      continue;
    }
    double sum = 0.0;
    for (std::int64_t l = 0; l < k; ++l) sum += h(l, column) = uniform(engine);
    const double target = 0.1 + 0.8 * uniform(engine);
    for (std::int64_t l = 0; l < k; ++l) h(l, column) *= target / sum;
  }
  return {reference::multiply(w, h), w, h, pure};
}

template <typename T>
std::vector<std::int64_t> distributed_spa(const reference::Dense& v, GridShape shape,
                                          std::int64_t k) {
  const ProcessGrid grid(MPI_COMM_WORLD, shape);
  const Distribution dist(v.rows, v.cols, shape.rows, shape.cols);
  return spa_select_columns(grid, dist, block_of<T>(v, grid, dist), k);
}

std::set<std::int64_t> as_set(const std::vector<std::int64_t>& x) { return {x.begin(), x.end()}; }

TEST(Spa, RecoversThePureColumnsOfSeparableMatricesOnEveryGrid) {
  for (const auto& [m, n, k] : {std::tuple{13, 41, 5}, std::tuple{7, 10, 7}, std::tuple{30, 9, 3}}) {
    const Separable problem = separable(m, n, k, 100 + m);
    const std::vector<std::int64_t> expected = reference::spa(problem.v, k);
    ASSERT_EQ(as_set(expected), as_set(problem.pure)) << "the reference itself";
    for (const GridShape shape : grids_for(m, n)) {
      SCOPED_TRACE(shape.to_string() + " m " + std::to_string(m) + " n " + std::to_string(n));
      EXPECT_EQ(distributed_spa<double>(problem.v, shape, k), expected);
      // In float32 the pure columns are still the vertices.
      EXPECT_EQ(as_set(distributed_spa<float>(problem.v, shape, k)), as_set(problem.pure));
    }
  }
}

TEST(Spa, EqualsTheSerialReferenceOnGeneralMatrices) {
  const reference::Dense v = uniform_matrix(17, 29, 0.0, 1.0, 5);
  const std::vector<std::int64_t> expected = reference::spa(v, 9);
  for (const GridShape shape : grids_for(v.rows, v.cols)) {
    SCOPED_TRACE(shape.to_string());
    EXPECT_EQ(distributed_spa<double>(v, shape, 9), expected);
  }
}

TEST(Spa, PastTheRankOfVTakesTheSmallestUnchosenColumns) {
  // Rank 3, k = 6: three vertices, then columns 0, 1, 2 unless already chosen.
  const reference::Dense v = reference::multiply(uniform_matrix(11, 3, 0.0, 1.0, 8),
                                                 uniform_matrix(3, 19, 0.0, 1.0, 9));
  const std::vector<std::int64_t> expected = reference::spa(v, 6);
  std::vector<std::int64_t> rest;
  for (std::int64_t c = 0; rest.size() < 3; ++c)
    if (std::find(expected.begin(), expected.begin() + 3, c) == expected.begin() + 3) rest.push_back(c);
  EXPECT_EQ(std::vector<std::int64_t>(expected.begin() + 3, expected.end()), rest);
  for (const GridShape shape : grids_for(v.rows, v.cols)) {
    SCOPED_TRACE(shape.to_string());
    EXPECT_EQ(distributed_spa<double>(v, shape, 6), expected);
  }
}

TEST(Spa, DuplicatedPureColumnsGoToTheSmallestIndex) {
  Separable problem = separable(9, 20, 4, 3);
  // Copy every pure column to the column after it (or before it, at the end).
  reference::Dense v = problem.v;
  std::vector<std::int64_t> smallest;
  for (const std::int64_t column : problem.pure) {
    const std::int64_t twin = column + 1 < v.cols ? column + 1 : column - 1;
    for (std::int64_t r = 0; r < v.rows; ++r) v(r, twin) = v(r, column);
    smallest.push_back(std::min(column, twin));
  }
  for (const GridShape shape : grids_for(v.rows, v.cols)) {
    SCOPED_TRACE(shape.to_string());
    const std::vector<std::int64_t> got = distributed_spa<double>(v, shape, 4);
    EXPECT_EQ(as_set(got), as_set(smallest));
  }
}

TEST(Spa, RejectsAColumnCountOutsideOneToN) {
  const reference::Dense v = uniform_matrix(5, 6, 0.0, 1.0, 1);
  for (const std::int64_t k : {0, 7}) {
    EXPECT_THROW(distributed_spa<double>(v, {1, world_size()}, k), Error);
  }
}

TEST(ColumnFactors, WFromColumnsCopiesTheColumnsExactly) {
  const reference::Dense v = uniform_matrix(23, 17, 0.0, 1.0, 4);
  const std::vector<std::int64_t> columns{16, 0, 5, 5, 11};
  for (const GridShape shape : grids_for(v.rows, v.cols)) {
    SCOPED_TRACE(shape.to_string());
    const ProcessGrid grid(MPI_COMM_WORLD, shape);
    const Distribution dist(v.rows, v.cols, shape.rows, shape.cols);
    const reference::Dense w = assemble_w(grid, dist, w_from_columns(grid, dist, block_of<double>(v, grid, dist), columns));
    const reference::Dense w32 = assemble_w(grid, dist, w_from_columns(grid, dist, block_of<float>(v, grid, dist), columns));
    for (std::int64_t r = 0; r < v.rows; ++r) {
      for (size_t l = 0; l < columns.size(); ++l) {
        EXPECT_EQ(w(r, l), v(r, columns[l]));
        EXPECT_EQ(w32(r, l), static_cast<double>(static_cast<float>(v(r, columns[l]))));
      }
    }
    EXPECT_THROW(w_from_columns(grid, dist, block_of<double>(v, grid, dist), {3, 17}), Error);
  }
}

// H from nnls_ht, assembled as a whole k x n matrix.
reference::Dense distributed_nnls(const reference::Dense& v, const reference::Dense& w,
                                  GridShape shape, const Penalty& penalty, double delta) {
  const ProcessGrid grid(MPI_COMM_WORLD, shape);
  const Distribution dist(v.rows, v.cols, shape.rows, shape.cols);
  const IndexRange rows = dist.owned_w_rows(grid.row(), grid.col());
  LocalMatrix<double> w_own(rows.size, w.cols);
  for (std::int64_t r = 0; r < rows.size; ++r)
    for (std::int64_t l = 0; l < w.cols; ++l) w_own(r, l) = w(rows.begin + r, l);
  return assemble_h(grid, dist, nnls_ht(grid, dist, block_of<double>(v, grid, dist), w_own, penalty, delta));
}

TEST(ColumnFactors, NnlsHtRecoversTheAbundancesOfSeparableMatrices) {
  const Separable problem = separable(13, 41, 5, 21);
  for (const GridShape shape : grids_for(13, 41)) {
    SCOPED_TRACE(shape.to_string());
    const ProcessGrid grid(MPI_COMM_WORLD, shape);
    const Distribution dist(13, 41, shape.rows, shape.cols);
    const DataBlock<double> v = block_of<double>(problem.v, grid, dist);
    const auto columns = spa_select_columns(grid, dist, v, 5);
    const LocalMatrix<double> w_own = w_from_columns(grid, dist, v, columns);
    const reference::Dense h = assemble_h(grid, dist, nnls_ht(grid, dist, v, w_own));
    // Row l of H belongs to the endmember in column columns[l].
    for (std::int64_t l = 0; l < 5; ++l) {
      const std::int64_t truth = std::find(problem.pure.begin(), problem.pure.end(), columns[l]) - problem.pure.begin();
      ASSERT_LT(truth, 5);
      for (std::int64_t c = 0; c < 41; ++c) EXPECT_NEAR(h(l, c), problem.h(truth, c), 1e-10);
    }
  }
}

TEST(ColumnFactors, NnlsHtEqualsTheSerialReferenceWithPenaltyAndSumToOne) {
  const reference::Dense v = uniform_matrix(19, 27, 0.0, 1.0, 31);
  const reference::Dense w = uniform_matrix(19, 4, 0.0, 1.0, 32);
  const Penalty penalty{0.05, 0.1};
  for (const double delta : {0.0, 2.0}) {
    // Sum-to-one is the plain NNLS of V and W with the row delta * 1^T appended.
    reference::Dense v_aug(v.rows + 1, v.cols), w_aug(w.rows + 1, w.cols);
    std::copy(v.v.begin(), v.v.end(), v_aug.v.begin());
    std::copy(w.v.begin(), w.v.end(), w_aug.v.begin());
    for (std::int64_t c = 0; c < v.cols; ++c) v_aug(v.rows, c) = delta;
    for (std::int64_t l = 0; l < w.cols; ++l) w_aug(w.rows, l) = delta;
    reference::Dense expected(4, 27);
    reference::nnls_update_h(v_aug, w_aug, expected, {penalty.l1, penalty.l2});
    for (const GridShape shape : grids_for(v.rows, v.cols)) {
      SCOPED_TRACE(shape.to_string() + " delta " + std::to_string(delta));
      EXPECT_LT(relative_difference(distributed_nnls(v, w, shape, penalty, delta), expected), 1e-10);
    }
  }
}

// A noiseless scene with pure pixels, unmixed by SPA on every grid.
TEST(Spa, FindsTheExactEndmembersOfASceneWithPurePixels) {
  HyperspectralScene scene;
  scene.image_rows = 23;
  scene.image_cols = 19;
  scene.bands = 37;
  scene.endmembers = 5;
  scene.pure_pixels = true;
  scene.seed = 4;
  const SceneModel model(scene);
  const std::int64_t n = scene.pixels();
  const LocalMatrix<double> truth = model.spectra_rows({0, scene.bands});
  reference::Dense w_true(scene.bands, scene.endmembers);
  w_true.v = truth.values;
  for (const GridShape shape : grids_for(scene.bands, n)) {
    SCOPED_TRACE(shape.to_string());
    const ProcessGrid grid(MPI_COMM_WORLD, shape);
    const Distribution dist(scene.bands, n, shape.rows, shape.cols);
    const DataBlock<double> v(model.block<double>(dist.block_rows(grid.row()), dist.block_cols(grid.col()), 0.0));
    const auto columns = spa_select_columns(grid, dist, v, scene.endmembers);
    EXPECT_EQ(as_set(columns), as_set(model.anchor_pixels()));
    const reference::Dense w = assemble_w(grid, dist, w_from_columns(grid, dist, v, columns));
    for (std::int64_t l = 0; l < scene.endmembers; ++l) {
      double best = 10.0;
      for (std::int64_t e = 0; e < scene.endmembers; ++e)
        best = std::min(best, reference::spectral_angle(w, l, w_true, e));
      EXPECT_LT(best, 1e-7);
    }
  }
}

template <typename T>
std::vector<std::int64_t> distributed_vca(MPI_Comm comm, const reference::Dense& v,
                                          GridShape shape, std::int64_t k, std::uint64_t seed) {
  const ProcessGrid grid(comm, shape);
  const Distribution dist(v.rows, v.cols, shape.rows, shape.cols);
  return vca_select_columns(grid, dist, block_of<T>(v, grid, dist), k, seed);
}

// V of a scene, whole, on every rank.
reference::Dense scene_matrix(const SceneModel& model, double sigma) {
  const HyperspectralScene& scene = model.scene();
  const LocalMatrix<double> v = model.block<double>({0, scene.bands}, {0, scene.pixels()}, sigma);
  reference::Dense whole(scene.bands, scene.pixels());
  whole.v = v.values;
  return whole;
}

TEST(Vca, RecoversThePureColumnsOfSeparableMatricesOnEveryGrid) {
  for (const auto& [m, n, k] : {std::tuple{13, 41, 5}, std::tuple{30, 9, 3}, std::tuple{8, 50, 8}}) {
    const Separable problem = separable(m, n, k, 200 + m);
    for (const GridShape shape : grids_for(m, n)) {
      for (const std::uint64_t seed : {1, 2}) {
        SCOPED_TRACE(shape.to_string() + " m " + std::to_string(m) + " seed " + std::to_string(seed));
        EXPECT_EQ(as_set(distributed_vca<double>(MPI_COMM_WORLD, problem.v, shape, k, seed)),
                  as_set(problem.pure));
        EXPECT_EQ(as_set(distributed_vca<float>(MPI_COMM_WORLD, problem.v, shape, k, seed)),
                  as_set(problem.pure));
      }
    }
  }
}

// Noiseless and with pure pixels: both methods find exactly the endmembers.
TEST(Vca, FindsTheExactEndmembersOfASceneWithPurePixels) {
  HyperspectralScene scene;
  scene.image_rows = 21;
  scene.image_cols = 26;
  scene.bands = 40;
  scene.endmembers = 6;
  scene.pure_pixels = true;
  scene.seed = 12;
  const SceneModel model(scene);
  const reference::Dense v = scene_matrix(model, 0.0);
  for (const GridShape shape : grids_for(v.rows, v.cols)) {
    SCOPED_TRACE(shape.to_string());
    EXPECT_EQ(as_set(distributed_vca<double>(MPI_COMM_WORLD, v, shape, 6, 3)),
              as_set(model.anchor_pixels()));
  }
}

// On noisy scenes (both of VCA's SNR branches) every grid chooses what one
// rank alone chooses, and the choice is close to the truth.
TEST(Vca, ChoosesTheSameColumnsOnEveryGridAsOnOneRank) {
  // 40 dB is above VCA's threshold for k = 4 (15 + 10 log10 4 = 21 dB), 20 dB below.
  for (const double snr : {40.0, 20.0}) {
    HyperspectralScene scene;
    scene.image_rows = 30;
    scene.image_cols = 25;
    scene.bands = 33;
    scene.endmembers = 4;
    scene.snr_db = snr;
    scene.seed = 5;
    const SceneModel model(scene);
    int world = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &world);
    const reference::Dense v = scene_matrix(model, scene_noise_sigma(MPI_COMM_SELF, model));
    const std::vector<std::int64_t> alone = distributed_vca<double>(MPI_COMM_SELF, v, {1, 1}, 4, 7);
    EXPECT_EQ(as_set(alone).size(), 4u);
    const LocalMatrix<double> truth = model.spectra_rows({0, scene.bands});
    reference::Dense w_true(scene.bands, 4);
    w_true.v = truth.values;
    for (const std::int64_t column : alone) {
      double best = 10.0;
      for (std::int64_t e = 0; e < 4; ++e) best = std::min(best, reference::spectral_angle(v, column, w_true, e));
      // A pixel's own noise alone is about 10^(-snr/20) rad away from its spectrum.
      EXPECT_LT(best, snr > 30 ? 0.05 : 0.2) << "snr " << snr;
    }
    for (const GridShape shape : grids_for(v.rows, v.cols)) {
      SCOPED_TRACE(shape.to_string() + " snr " + std::to_string(snr));
      EXPECT_EQ(distributed_vca<double>(MPI_COMM_WORLD, v, shape, 4, 7), alone);
      EXPECT_EQ(distributed_spa<double>(v, shape, 4), reference::spa(v, 4));
    }
  }
}

TEST(Vca, RejectsAColumnCountOutsideOneToMinMN) {
  const reference::Dense v = uniform_matrix(5, 6, 0.0, 1.0, 1);
  for (const std::int64_t k : {0, 6, 7}) {
    EXPECT_THROW(distributed_vca<double>(MPI_COMM_WORLD, v, {1, world_size()}, k, 1), Error);
  }
}

}  // namespace
}  // namespace gridnmf::testing
