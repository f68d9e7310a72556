// The distributed truncated SVD against LAPACK's dgesvd on a gathered copy,
// and the ScaLAPACK QR of an irregularly distributed tall matrix it rests on,
// on every grid of the current rank count and sizes that do not divide evenly.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "distributed_helpers.hpp"
#include "gridnmf/generate/synthetic_matrix.hpp"
#include "gridnmf/init/counter_random.hpp"
#include "gridnmf/linalg/tall_skinny_qr.hpp"
#include "gridnmf/linalg/truncated_svd.hpp"
#include "serial_svd.hpp"

namespace gridnmf::testing {
namespace {

using reference::Dense;

// The block of a replicated whole matrix that rank (i, j) holds.
template <typename T>
LocalMatrix<T> block_of(const Dense& whole, const IndexRange& rows, const IndexRange& cols) {
  LocalMatrix<T> block(rows.size, cols.size);
  for (std::int64_t r = 0; r < rows.size; ++r)
    for (std::int64_t c = 0; c < cols.size; ++c)
      block(r, c) = static_cast<T>(whole(rows.begin + r, cols.begin + c));
  return block;
}

Dense synthetic_whole(const SyntheticProblem& problem) {
  Dense v(problem.rows, problem.cols);
  v.v = synthetic_block<double>(problem, {0, problem.rows}, {0, problem.cols}).values;
  return v;
}

// V = X diag(0.5^i) Y^T with orthonormal X, Y (from the SVD of Gaussian
// matrices): singular values exactly 0.5^i, i = 0, 1, ...
Dense decaying_spectrum(std::int64_t m, std::int64_t n) {
  const std::int64_t r = std::min(m, n);
  const auto gaussian = [](std::int64_t rows, std::int64_t cols, std::uint64_t seed) {
    Dense g(rows, cols);
    for (size_t i = 0; i < g.v.size(); ++i) g.v[i] = random_normal(seed, RandomStream::kNoise, i);
    return g;
  };
  const Dense x = reference::serial_svd(gaussian(m, r, 21)).u;
  const Dense y = reference::serial_svd(gaussian(n, r, 22)).u;
  Dense v(m, n);
  for (std::int64_t i = 0; i < m; ++i)
    for (std::int64_t j = 0; j < n; ++j) {
      double sum = 0.0;
      for (std::int64_t l = 0; l < r; ++l) sum += x(i, l) * std::pow(0.5, l) * y(j, l);
      v(i, j) = sum;
    }
  return v;
}

struct Tolerances {
  double values;    // relative, on each of the k leading singular values
  double subspace;  // ||(I - U_ref U_ref^T) U||_F, the same for V
};

// Runs the distributed SVD on every grid and compares with dgesvd of `whole`.
template <typename T>
void expect_matches_lapack(const Dense& whole, std::int64_t k, const linalg::SvdSettings& settings,
                           Tolerances tol) {
  const reference::Svd expected = reference::serial_svd(whole);
  const Dense u_ref = reference::leading_columns(expected.u, k);
  const Dense v_ref = reference::leading_columns(expected.v, k);
  for (const GridShape shape : all_grid_shapes(world_size())) {
    if (shape.rows > whole.rows || shape.cols > whole.cols) continue;
    SCOPED_TRACE(shape.to_string() + " on " + std::to_string(whole.rows) + "x" +
                 std::to_string(whole.cols) + " k=" + std::to_string(k));
    const ProcessGrid grid(MPI_COMM_WORLD, shape);
    const Distribution dist(whole.rows, whole.cols, shape.rows, shape.cols);
    const DataBlock<T> v_block(block_of<T>(whole, dist.block_rows(grid.row()), dist.block_cols(grid.col())));
    const linalg::TruncatedSvd svd = linalg::truncated_svd<T>(grid, dist, v_block, k, settings);
    ASSERT_EQ(static_cast<std::int64_t>(svd.values.size()), k);
    ASSERT_EQ(svd.u_own.cols, k);
    ASSERT_EQ(svd.v_own.cols, k);
    const Dense u = assemble_w(grid, dist, svd.u_own);
    const Dense v = reference::transpose(assemble_h(grid, dist, svd.v_own));
    for (std::int64_t i = 0; i < k; ++i) {
      EXPECT_NEAR(svd.values[i], expected.s[i], tol.values * expected.s[i]) << "sigma_" << i;
    }
    EXPECT_LT(reference::subspace_distance(u_ref, u), tol.subspace);
    EXPECT_LT(reference::subspace_distance(v_ref, v), tol.subspace);
    EXPECT_LT(reference::orthonormality_error(u), tol.subspace);
    EXPECT_LT(reference::orthonormality_error(v), tol.subspace);
    // Left and right vectors are paired with matching signs: V v_i = s_i u_i.
    const Dense av = reference::multiply(whole, v);
    double mismatch = 0.0;
    for (std::int64_t i = 0; i < whole.rows; ++i)
      for (std::int64_t c = 0; c < k; ++c)
        mismatch = std::max(mismatch, std::abs(av(i, c) - svd.values[c] * u(i, c)));
    EXPECT_LT(mismatch, tol.subspace * expected.s[0]);
  }
}

// With a sketch as wide as min(m, n) the range finder captures all of V, so
// the result is exact up to rounding: the 1e-8 / 1e-6.
TEST(TruncatedSvd, ExactSketchMatchesLapackOnEveryGrid) {
  linalg::SvdSettings full;
  full.oversampling = 1000;  // capped at min(m, n)
  full.power_iterations = 0;
  const struct {
    SyntheticProblem problem;
    std::int64_t k;
  } cases[] = {{{37, 23, 4, 0.05, 7}, 4}, {{23, 37, 5, 0.05, 8}, 3},
               {{41, 29, 6, 0.02, 9}, 6}, {{3, 9, 2, 0.1, 10}, 2},
               {{30, 30, 3, 0.1, 11}, 1}};
  for (const auto& c : cases) {
    expect_matches_lapack<double>(synthetic_whole(c.problem), c.k, full, {1e-8, 1e-6});
  }
}

// Default p = 10, q = 1 on singular values 0.5^i: the subspace error is of
// order (sigma_{l+1} / sigma_k)^(2q+1) = 0.5^30 ~ 1e-9 times a modest
// constant (Halko et al. 2011, section 10.4), and the value error is of its
// square, so the exact case's 1e-8 and 1e-6 still hold with a margin.
TEST(TruncatedSvd, DefaultSketchOnDecayingSpectrum) {
  const Dense whole = decaying_spectrum(120, 90);
  expect_matches_lapack<double>(whole, 5, linalg::SvdSettings{}, {1e-8, 1e-6});
  const Dense wide = decaying_spectrum(50, 77);
  expect_matches_lapack<double>(wide, 8, linalg::SvdSettings{}, {1e-8, 1e-6});
}

// float32 V: products in single precision, so about 1e-5 relative.
TEST(TruncatedSvd, Float32Input) {
  const Dense whole = decaying_spectrum(60, 45);
  expect_matches_lapack<float>(whole, 4, linalg::SvdSettings{}, {1e-5, 1e-4});
}

// The QR building block alone on the irregular owned-rows layout (pieces
// that differ by one row, empty pieces): Q R = X, Q^T Q = I, R the same on
// every rank.
TEST(TallSkinnyQr, FactorsIrregularPieces) {
  for (const auto& [m, n, l] : {std::tuple<std::int64_t, std::int64_t, std::int64_t>{37, 23, 5},
                                {3, 9, 3}, {10, 4, 10}}) {
    for (const GridShape shape : all_grid_shapes(world_size())) {
      if (shape.rows > m || shape.cols > n) continue;
      SCOPED_TRACE(shape.to_string() + " m=" + std::to_string(m) + " l=" + std::to_string(l));
      const ProcessGrid grid(MPI_COMM_WORLD, shape);
      const Distribution dist(m, n, shape.rows, shape.cols);
      std::vector<IndexRange> pieces;
      for (int r = 0; r < grid.size(); ++r)
        pieces.push_back(dist.owned_w_rows(r / shape.cols, r % shape.cols));
      Dense x(m, l);
      for (size_t i = 0; i < x.v.size(); ++i) x.v[i] = random_normal(5, RandomStream::kNoise, i);
      const IndexRange mine = dist.owned_w_rows(grid.row(), grid.col());
      LocalMatrix<double> own(mine.size, l);
      for (std::int64_t r = 0; r < mine.size; ++r)
        for (std::int64_t c = 0; c < l; ++c) own(r, c) = x(mine.begin + r, c);
      linalg::TallSkinnyQr qr(grid.all());
      const LocalMatrix<double> r_factor = qr.factor(pieces, own);
      const Dense q = assemble_w(grid, dist, own);
      Dense r(l, l);
      r.v = r_factor.values;
      for (std::int64_t i = 0; i < l; ++i)
        for (std::int64_t j = 0; j < i; ++j) EXPECT_EQ(r(i, j), 0.0);
      EXPECT_LT(reference::orthonormality_error(q), 1e-12);
      EXPECT_LT(relative_difference(reference::multiply(q, r), x), 1e-12);
      std::vector<double> max_r = r.v;
      MPI_Allreduce(MPI_IN_PLACE, max_r.data(), static_cast<int>(max_r.size()), MPI_DOUBLE,
                    MPI_MAX, grid.all());
      EXPECT_EQ(max_r, r.v);
    }
  }
}

}  // namespace
}  // namespace gridnmf::testing
