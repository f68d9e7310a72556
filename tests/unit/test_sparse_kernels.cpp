// The local pieces of sparse input: the seeded permutation, the owner
// arithmetic, the block assembly and the sparse products, each against
// plain loops on a dense copy.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include "gridnmf/local/beta_divergence.hpp"
#include "gridnmf/local/sparse_assembly.hpp"
#include "gridnmf/local/sparse_products.hpp"
#include "gridnmf/matrix/block_range.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/matrix/index_permutation.hpp"

namespace gridnmf {
namespace {

TEST(IndexPermutation, IsABijectionWithItsInverseForEverySize) {
  for (std::int64_t size : {1, 2, 3, 5, 16, 17, 100, 1000, 4097}) {
    const IndexPermutation order = IndexPermutation::random(size, 11);
    std::vector<bool> seen(static_cast<std::size_t>(size), false);
    for (std::int64_t i = 0; i < size; ++i) {
      const std::int64_t p = order.forward(i);
      ASSERT_GE(p, 0);
      ASSERT_LT(p, size);
      EXPECT_FALSE(seen[p]) << "size " << size << " index " << i;
      seen[p] = true;
      EXPECT_EQ(order.inverse(p), i);
    }
  }
}

TEST(IndexPermutation, DependsOnTheSeedAndIdentityKeepsTheOrder) {
  const IndexPermutation a = IndexPermutation::random(1000, 1), b = IndexPermutation::random(1000, 2);
  int moved = 0, differ = 0;
  for (std::int64_t i = 0; i < 1000; ++i) {
    moved += a.forward(i) != i;
    differ += a.forward(i) != b.forward(i);
    EXPECT_EQ(IndexPermutation::identity(1000).forward(i), i);
  }
  EXPECT_GT(moved, 900);
  EXPECT_GT(differ, 900);
}

TEST(Owners, BlockOfInvertsBlockRangeAndDistributionFindsTheOwners) {
  for (std::int64_t total : {1, 7, 10, 23}) {
    for (int parts = 1; parts <= 5; ++parts) {
      for (int part = 0; part < parts; ++part) {
        const IndexRange range = block_range(total, parts, part);
        for (std::int64_t i = range.begin; i < range.end(); ++i) {
          EXPECT_EQ(block_of(total, parts, i), part);
        }
      }
    }
  }
  const Distribution dist(23, 17, 3, 2);
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 2; ++j) {
      const IndexRange rows = dist.owned_w_rows(i, j), cols = dist.owned_h_cols(i, j);
      for (std::int64_t r = rows.begin; r < rows.end(); ++r) {
        EXPECT_EQ(dist.w_row_owner(r), std::make_pair(i, j));
      }
      for (std::int64_t c = cols.begin; c < cols.end(); ++c) {
        EXPECT_EQ(dist.h_col_owner(c), std::make_pair(i, j));
      }
    }
  }
}

// A random block with duplicates and empty rows, its dense sum, and its
// assembly at a given panel width.
struct Case {
  std::int64_t rows, cols;
  std::vector<double> dense;
  std::vector<local::SparseEntry> entries;
};

Case random_case(std::int64_t rows, std::int64_t cols, std::int64_t count, unsigned seed) {
  std::mt19937_64 engine(seed);
  std::uniform_int_distribution<std::int64_t> row(0, rows - 1), col(0, cols - 1);
  std::uniform_real_distribution<double> value(0.1, 2.0);
  Case c{rows, cols, std::vector<double>(static_cast<std::size_t>(rows * cols), 0.0), {}};
  for (std::int64_t e = 0; e < count; ++e) {
    // Every third entry repeats a position: duplicates are summed.
    const std::int64_t r = e % 3 == 2 ? c.entries.back().row : row(engine);
    const std::int64_t k = e % 3 == 2 ? c.entries.back().col : col(engine);
    const double v = value(engine);
    c.entries.push_back({static_cast<std::uint32_t>(r), static_cast<std::uint32_t>(k), v});
    c.dense[r * cols + k] += v;
  }
  return c;
}

TEST(SparseAssembly, SumsDuplicatesAndSortsEveryPanelRow) {
  for (std::int64_t panel : {1, 3, 7, 40}) {
    Case c = random_case(19, 23, 200, 3);
    std::map<std::pair<std::int64_t, std::int64_t>, int> times;
    for (const auto& e : c.entries) ++times[{e.row, e.col}];
    std::int64_t expected_duplicates = 0;
    for (const auto& item : times) expected_duplicates += item.second - 1;
    std::int64_t duplicates = -1;
    const SparseBlock<double> block =
        local::assemble_sparse_block<double>(c.rows, c.cols, panel, c.entries, duplicates);
    EXPECT_EQ(duplicates, expected_duplicates);
    EXPECT_EQ(block.nonzeros(), static_cast<std::int64_t>(times.size()));
    std::vector<double> rebuilt(c.dense.size(), 0.0);
    for (std::int64_t p = 0; p < block.panels(); ++p) {
      for (std::int64_t r = 0; r < block.rows; ++r) {
        const std::int64_t begin = block.row_start[p * block.rows + r];
        const std::int64_t end = block.row_start[p * block.rows + r + 1];
        for (std::int64_t e = begin; e < end; ++e) {
          EXPECT_EQ(block.col_index[e] / block.panel_cols, p);
          if (e > begin) EXPECT_LT(block.col_index[e - 1], block.col_index[e]);
          rebuilt[r * c.cols + block.col_index[e]] += block.values[e];
        }
      }
    }
    for (std::size_t i = 0; i < rebuilt.size(); ++i) EXPECT_NEAR(rebuilt[i], c.dense[i], 1e-14);
  }
}

template <typename T>
void expect_products_match_dense(std::int64_t panel, std::int64_t k, double tolerance) {
  Case c = random_case(31, 27, 150, 5);
  const std::vector<double> dense = c.dense;
  std::int64_t duplicates = 0;
  const SparseBlock<T> a =
      local::assemble_sparse_block<T>(c.rows, c.cols, panel, c.entries, duplicates);
  std::mt19937_64 engine(9);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<T> x(static_cast<std::size_t>(c.rows * k)), y(static_cast<std::size_t>(c.cols * k));
  for (T& value : x) value = static_cast<T>(uniform(engine));
  for (T& value : y) value = static_cast<T>(uniform(engine));
  std::vector<T> vy(x.size()), vtx(y.size()), numer_h(y.size()), numer_w(x.size());
  local::sparse_times(a, y.data(), k, vy.data());
  local::sparse_transposed_times(a, x.data(), k, vtx.data());
  local::SampledSums sums;
  local::kl_numerator_h_side(a, x.data(), y.data(), k, numer_h.data(), &sums);
  local::kl_numerator_w_side(a, x.data(), y.data(), k, numer_w.data(), nullptr);
  // Plain loops: X plays W_i (rows x k), Y plays Ht_j (cols x k).
  std::vector<double> ref_vy(x.size(), 0.0), ref_vtx(y.size(), 0.0), ref_nh(y.size(), 0.0),
      ref_nw(x.size(), 0.0);
  double log_terms = 0.0, cross = 0.0;
  for (std::int64_t r = 0; r < c.rows; ++r) {
    for (std::int64_t j = 0; j < c.cols; ++j) {
      const double v = static_cast<double>(static_cast<T>(dense[r * c.cols + j]));
      if (v == 0.0) continue;
      double wh = 0.0;
      for (std::int64_t l = 0; l < k; ++l) wh += double(x[r * k + l]) * double(y[j * k + l]);
      const double q = v / std::max(wh, double(local::beta_floor<T>()));
      log_terms += v * std::log(q) - v;
      cross += v * wh;
      for (std::int64_t l = 0; l < k; ++l) {
        ref_vy[r * k + l] += v * y[j * k + l];
        ref_vtx[j * k + l] += v * x[r * k + l];
        ref_nh[j * k + l] += q * x[r * k + l];
        ref_nw[r * k + l] += q * y[j * k + l];
      }
    }
  }
  for (std::size_t i = 0; i < vy.size(); ++i) {
    EXPECT_NEAR(vy[i], ref_vy[i], tolerance * (1 + std::abs(ref_vy[i])));
    EXPECT_NEAR(numer_w[i], ref_nw[i], tolerance * (1 + std::abs(ref_nw[i])));
  }
  for (std::size_t i = 0; i < vtx.size(); ++i) {
    EXPECT_NEAR(vtx[i], ref_vtx[i], tolerance * (1 + std::abs(ref_vtx[i])));
    EXPECT_NEAR(numer_h[i], ref_nh[i], tolerance * (1 + std::abs(ref_nh[i])));
  }
  EXPECT_NEAR(sums.log_terms, log_terms, tolerance * (1 + std::abs(log_terms)));
  EXPECT_NEAR(sums.cross_term, cross, tolerance * (1 + std::abs(cross)));
}

TEST(SparseProducts, EqualDenseLoopsForEveryPanelWidthAndPrecision) {
  for (std::int64_t panel : {1, 4, 10, 27}) {
    for (std::int64_t k : {1, 3, 8, 17}) {
      SCOPED_TRACE("panel " + std::to_string(panel) + " k " + std::to_string(k));
      expect_products_match_dense<double>(panel, k, 1e-12);
      expect_products_match_dense<float>(panel, k, 1e-4);
    }
  }
}

// correct_unobserved against plain loops: lines of random length (some
// empty), missing entries (-0.0) among held-out ones, every kind.
template <typename T>
void expect_correction_matches_loops(local::UnobservedCorrection kind, std::int64_t k,
                                     double tolerance) {
  std::mt19937_64 random(kind == local::UnobservedCorrection::kImputed ? 3 : 5);
  std::uniform_real_distribution<double> uniform(0.1, 1.0);
  const std::int64_t lines = 9, others = 13;
  std::vector<std::int64_t> start{0};
  std::vector<std::int32_t> index;
  std::vector<T> values;
  for (std::int64_t l = 0; l < lines; ++l) {
    for (std::int32_t o = 0; o < others; ++o) {
      if ((l * 5 + o * 3) % 4 != 0) continue;
      index.push_back(o);
      const int which = (l + o) % 3;  // missing, held-out zero, held-out nonzero
      values.push_back(which == 0   ? -T(0)
                       : which == 1 ? T(0)
                                    : static_cast<T>(uniform(random)));
    }
    start.push_back(static_cast<std::int64_t>(index.size()));
  }
  std::vector<T> own(lines * k), other(others * k), numer(lines * k), denom(lines * k);
  for (T& x : own) x = static_cast<T>(uniform(random));
  for (T& x : other) x = static_cast<T>(uniform(random));
  for (T& x : numer) x = static_cast<T>(10 * uniform(random));
  for (T& x : denom) x = static_cast<T>(10 * uniform(random));
  std::vector<double> ref_numer(numer.begin(), numer.end()), ref_denom(denom.begin(), denom.end());
  local::UnobservedSums expected;
  for (std::int64_t l = 0; l < lines; ++l) {
    for (std::int64_t e = start[l]; e < start[l + 1]; ++e) {
      const T* x = other.data() + index[e] * k;
      double p = 0.0;
      for (std::int64_t j = 0; j < k; ++j) p += double(own[l * k + j]) * double(x[j]);
      const bool missing = std::signbit(values[e]);
      const double v = missing ? 0.0 : double(values[e]);
      const double y = std::max(p, double(local::beta_floor<T>()));
      double a = 0.0, b = 0.0;
      switch (kind) {
        case local::UnobservedCorrection::kFrobeniusMu: a = -v; b = -p; break;
        case local::UnobservedCorrection::kImputed: a = p - v; break;
        case local::UnobservedCorrection::kKullbackLeibler: a = -v / y; b = -1.0; break;
      }
      for (std::int64_t j = 0; j < k; ++j) {
        ref_numer[l * k + j] += a * x[j];
        ref_denom[l * k + j] += b * x[j];
      }
      expected.squared_error += (v - p) * (v - p);
      expected.model += p;
      if (missing) continue;
      expected.heldout_squared_error += (v - p) * (v - p);
      const double log_term = v > 0 ? v * std::log(v / y) - v : 0.0;
      expected.heldout_log_terms += log_term;
      expected.heldout_divergence += log_term + y;
    }
  }
  const local::UnobservedLines<T> list{lines, start.data(), index.data(), values.data()};
  local::UnobservedSums got;
  local::correct_unobserved(kind, list, own.data(), other.data(), k, numer.data(), denom.data(),
                            &got);
  for (std::size_t i = 0; i < numer.size(); ++i) {
    EXPECT_NEAR(numer[i], ref_numer[i], tolerance * (1 + std::abs(ref_numer[i])));
    EXPECT_NEAR(denom[i], ref_denom[i], tolerance * (1 + std::abs(ref_denom[i])));
  }
  EXPECT_NEAR(got.squared_error, expected.squared_error, tolerance * (1 + expected.squared_error));
  EXPECT_NEAR(got.heldout_squared_error, expected.heldout_squared_error,
              tolerance * (1 + expected.heldout_squared_error));
  if (kind == local::UnobservedCorrection::kKullbackLeibler) {
    EXPECT_NEAR(got.model, expected.model, tolerance * (1 + expected.model));
    EXPECT_NEAR(got.heldout_log_terms, expected.heldout_log_terms,
                tolerance * (1 + std::abs(expected.heldout_log_terms)));
    EXPECT_NEAR(got.heldout_divergence, expected.heldout_divergence,
                tolerance * (1 + expected.heldout_divergence));
  }
}

TEST(SparseProducts, UnobservedCorrectionsEqualPlainLoops) {
  for (const auto kind :
       {local::UnobservedCorrection::kFrobeniusMu, local::UnobservedCorrection::kImputed,
        local::UnobservedCorrection::kKullbackLeibler}) {
    for (std::int64_t k : {1, 3, 8, 17}) {
      SCOPED_TRACE("kind " + std::to_string(static_cast<int>(kind)) + " k " + std::to_string(k));
      expect_correction_matches_loops<double>(kind, k, 1e-12);
      expect_correction_matches_loops<float>(kind, k, 1e-4);
    }
  }
}

TEST(SparseProducts, PanelWidthFitsTheBudgetAndNeverExceedsTheBlock) {
  EXPECT_EQ(local::sparse_panel_columns(100, 10, 500, 50, 8), 10);
  // Dense enough rows: the cache budget decides.
  const std::int64_t width = local::sparse_panel_columns(1000, 10000000, 100000000, 50, 8);
  EXPECT_EQ(width, (std::int64_t{4} << 20) / (50 * 8));
  // Short rows: fewer, wider panels (at least 4 entries per row in each).
  const std::int64_t wide = local::sparse_panel_columns(1000000, 10000000, 10000000, 50, 8);
  EXPECT_GE(wide, 10000000 / 2);
  EXPECT_GE(local::sparse_panel_columns(10, 10000000, 100, 100000000, 8), 1);
}

}  // namespace
}  // namespace gridnmf
