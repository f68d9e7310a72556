// The residual pass of local/exact_residual.hpp against plain loops, dense and
// sparse (with panels), on a nearly exact fit where the Gram identity fails.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "gridnmf/local/exact_residual.hpp"

namespace gridnmf::local {
namespace {

double plain_residual(const LocalMatrix<double>& v, const LocalMatrix<double>& w,
                      const LocalMatrix<double>& ht) {
  double sum = 0.0;
  for (std::int64_t r = 0; r < v.rows; ++r) {
    for (std::int64_t c = 0; c < v.cols; ++c) {
      double wh = 0.0;
      for (std::int64_t l = 0; l < w.cols; ++l) wh += w(r, l) * ht(c, l);
      sum += (v(r, c) - wh) * (v(r, c) - wh);
    }
  }
  return sum;
}

SparseBlock<double> to_sparse(const LocalMatrix<double>& v, std::int64_t panel_cols) {
  SparseBlock<double> a;
  a.rows = v.rows;
  a.cols = v.cols;
  a.panel_cols = panel_cols;
  a.row_start.push_back(0);
  for (std::int64_t p = 0; p < a.panels(); ++p) {
    for (std::int64_t r = 0; r < v.rows; ++r) {
      for (std::int64_t c = p * panel_cols; c < std::min(v.cols, (p + 1) * panel_cols); ++c) {
        if (v(r, c) == 0.0) continue;
        a.col_index.push_back(static_cast<std::int32_t>(c));
        a.values.push_back(v(r, c));
      }
      a.row_start.push_back(static_cast<std::int64_t>(a.values.size()));
    }
  }
  return a;
}

TEST(ExactResidual, EqualsPlainLoopsDenseAndSparse) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (const auto& [rows, cols, k] : {std::tuple{7, 5, 2}, {40, 3000, 3}, {300, 130, 4}}) {
    LocalMatrix<double> w(rows, k), ht(cols, k), v(rows, cols);
    for (double& x : w.values) x = uniform(rng);
    for (double& x : ht.values) x = uniform(rng);
    for (double& x : v.values) x = uniform(rng) < 0.7 ? 0.0 : uniform(rng);
    const double expected = plain_residual(v, w, ht);
    EXPECT_NEAR(block_squared_residual(DataBlock<double>(LocalMatrix<double>(v)), w.data(),
                                       ht.data(), k),
                expected, 1e-10 * expected);
    for (const std::int64_t panel : {std::int64_t{1}, std::int64_t{16}, std::int64_t{cols}}) {
      const DataBlock<double> sparse(to_sparse(v, panel));
      EXPECT_NEAR(block_squared_residual(sparse, w.data(), ht.data(), k), expected,
                  1e-10 * expected);
      // The nonzeros' part plus the zeros' (WH)^2 is the whole residual.
      const NonzeroResidual part = sparse_residual_at_nonzeros(sparse.sparse(), w.data(),
                                                               ht.data(), k);
      LocalMatrix<double> zeros_only(rows, cols);
      const double all_fitted = plain_residual(zeros_only, w, ht);
      EXPECT_NEAR(part.residual + all_fitted - part.fitted, expected, 1e-9 * expected);
    }
  }
}

TEST(ExactResidual, KeepsTheDigitsOfANearlyExactFit) {
  // V = W Ht^T + 1e-9 at one entry: the residual is 1e-18, far below what
  // ||V||^2 - 2 <W, V Ht> + <W^T W, Ht^T Ht> can resolve.
  const std::int64_t rows = 50, cols = 40, k = 3;
  LocalMatrix<double> w(rows, k), ht(cols, k), v(rows, cols);
  for (std::int64_t i = 0; i < w.size(); ++i) w.values[i] = 0.5 + 0.01 * (i % 7);
  for (std::int64_t i = 0; i < ht.size(); ++i) ht.values[i] = 0.3 + 0.02 * (i % 5);
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < cols; ++c) {
      for (std::int64_t l = 0; l < k; ++l) v(r, c) += w(r, l) * ht(c, l);
    }
  }
  v(3, 4) += 1e-9;
  const double residual =
      block_squared_residual(DataBlock<double>(std::move(v)), w.data(), ht.data(), k);
  EXPECT_NEAR(residual, 1e-18, 1e-20);
}

}  // namespace
}  // namespace gridnmf::local
