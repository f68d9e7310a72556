// Beta-divergence MU kernels against plain loops that form WH whole.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

#include "gridnmf/local/beta_divergence.hpp"

namespace gridnmf {
namespace {

using local::BetaDivergenceTerms;
using local::BlockSums;

// The special cases, plus 0.3 and 1.8 for the general pow path.
const double kBetas[] = {0.0, 0.3, 0.5, 1.0, 1.5, 1.8, 2.0};

std::vector<double> uniform(std::int64_t count, double low, double high, unsigned seed) {
  std::mt19937_64 engine(seed);
  std::uniform_real_distribution<double> draw(low, high);
  std::vector<double> values(static_cast<size_t>(count));
  for (double& value : values) value = draw(engine);
  return values;
}

struct Problem {
  std::int64_t rows, cols, k;
  std::vector<double> v, w, ht;
};

// Random positive factors with a zero column in W; V has zeros where beta
// allows them (beta >= 1).
Problem make_problem(std::int64_t rows, std::int64_t cols, std::int64_t k, double beta,
                     unsigned seed) {
  Problem p{rows,
            cols,
            k,
            uniform(rows * cols, 0.05, 2.0, seed),
            uniform(rows * k, 0.0, 1.0, seed + 1),
            uniform(cols * k, 0.0, 1.0, seed + 2)};
  for (std::int64_t r = 0; r < rows; ++r) p.w[r * k + 1] = 0.0;
  if (beta >= 1.0) {
    for (size_t i = 0; i < p.v.size(); i += 7) p.v[i] = 0.0;
  }
  return p;
}

struct Expected {
  std::vector<double> h_numer, h_denom, w_numer, w_denom;
  BlockSums sums;
};

// The definitions, entry by entry, with WH formed whole.
Expected reference(double beta, const Problem& p) {
  const double floor = local::beta_floor<double>();
  Expected e;
  e.h_numer.assign(p.cols * p.k, 0.0);
  e.h_denom.assign(p.cols * p.k, 0.0);
  e.w_numer.assign(p.rows * p.k, 0.0);
  e.w_denom.assign(p.rows * p.k, 0.0);
  for (std::int64_t r = 0; r < p.rows; ++r) {
    for (std::int64_t c = 0; c < p.cols; ++c) {
      double y = 0.0;
      for (std::int64_t l = 0; l < p.k; ++l) y += p.w[r * p.k + l] * p.ht[c * p.k + l];
      const double v = p.v[r * p.cols + c];
      // beta = 2 neither divides nor takes a negative power, so it uses WH unfloored.
      const double yf = beta == 2.0 ? y : std::max(y, floor);
      const double a = v * std::pow(yf, beta - 2.0);
      const double b = std::pow(yf, beta - 1.0);
      e.sums.divergence += local::beta_divergence_entry(beta, v, yf);
      e.sums.squared_error += (v - y) * (v - y);
      for (std::int64_t l = 0; l < p.k; ++l) {
        e.h_numer[c * p.k + l] += a * p.w[r * p.k + l];
        e.h_denom[c * p.k + l] += b * p.w[r * p.k + l];
        e.w_numer[r * p.k + l] += a * p.ht[c * p.k + l];
        e.w_denom[r * p.k + l] += b * p.ht[c * p.k + l];
      }
    }
  }
  return e;
}

template <typename T>
void expect_relative(const std::vector<T>& actual, const std::vector<double>& expected,
                     double tolerance, const char* what) {
  ASSERT_EQ(actual.size(), expected.size()) << what;
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_TRUE(std::isfinite(static_cast<double>(actual[i]))) << what << " at " << i;
    ASSERT_NEAR(actual[i], expected[i], tolerance * std::abs(expected[i])) << what << " at " << i;
  }
}

template <typename T>
std::vector<T> cast(const std::vector<double>& values) {
  return std::vector<T>(values.begin(), values.end());
}

// Runs both halves in precision T and compares them with the loops.
template <typename T>
void check_halves(double beta, const Problem& p, double tolerance) {
  SCOPED_TRACE(::testing::Message() << "beta " << beta << ", " << p.rows << " x " << p.cols);
  const Expected e = reference(beta, p);
  const std::vector<T> v = cast<T>(p.v), w = cast<T>(p.w), ht = cast<T>(p.ht);
  BetaDivergenceTerms<T> terms(beta, v.data(), p.rows, p.cols, p.k);
  EXPECT_EQ(terms.forms_denominator(), beta != 1.0);
  std::vector<T> h_numer(p.cols * p.k), h_denom(p.cols * p.k);
  std::vector<T> w_numer(p.rows * p.k), w_denom(p.rows * p.k);
  T* h_denom_out = terms.forms_denominator() ? h_denom.data() : nullptr;
  T* w_denom_out = terms.forms_denominator() ? w_denom.data() : nullptr;
  const BlockSums h_sums = terms.h_half(w.data(), ht.data(), h_numer.data(), h_denom_out);
  const BlockSums w_sums = terms.w_half(w.data(), ht.data(), w_numer.data(), w_denom_out);
  expect_relative(h_numer, e.h_numer, tolerance, "H numerator");
  expect_relative(w_numer, e.w_numer, tolerance, "W numerator");
  if (terms.forms_denominator()) {
    expect_relative(h_denom, e.h_denom, tolerance, "H denominator");
    expect_relative(w_denom, e.w_denom, tolerance, "W denominator");
  }
  for (const BlockSums& sums : {h_sums, w_sums}) {
    EXPECT_NEAR(sums.divergence, e.sums.divergence, tolerance * e.sums.divergence);
    EXPECT_NEAR(sums.squared_error, e.sums.squared_error, tolerance * e.sums.squared_error);
  }

  // Skipping the sums leaves the terms exactly as they were.
  using Sums = typename BetaDivergenceTerms<T>::Sums;
  std::vector<T> h_numer_2(h_numer.size()), h_denom_2(h_denom.size());
  std::vector<T> w_numer_2(w_numer.size()), w_denom_2(w_denom.size());
  const BlockSums skipped = terms.h_half(w.data(), ht.data(), h_numer_2.data(),
                                         h_denom_out ? h_denom_2.data() : nullptr, Sums::kSkip);
  terms.w_half(w.data(), ht.data(), w_numer_2.data(), w_denom_out ? w_denom_2.data() : nullptr,
               Sums::kSkip);
  EXPECT_EQ(skipped.divergence, 0.0);
  EXPECT_EQ(skipped.squared_error, 0.0);
  EXPECT_EQ(h_numer_2, h_numer);
  EXPECT_EQ(w_numer_2, w_numer);
  if (terms.forms_denominator()) {
    EXPECT_EQ(h_denom_2, h_denom);
    EXPECT_EQ(w_denom_2, w_denom);
  }
}

TEST(BetaDivergenceTerms, HalvesMatchLoopsOnOneTile) {
  for (double beta : kBetas) check_halves<double>(beta, make_problem(37, 23, 4, beta, 11), 1e-12);
}

TEST(BetaDivergenceTerms, HalvesMatchLoopsAcrossColumnTiles) {
  for (double beta : kBetas) check_halves<double>(beta, make_problem(50, 3000, 4, beta, 21), 1e-12);
}

// With 131072-entry tiles: 256-row tiles (3 of them) of 512 columns (2).
TEST(BetaDivergenceTerms, HalvesMatchLoopsAcrossRowAndColumnTiles) {
  for (double beta : kBetas) check_halves<double>(beta, make_problem(600, 1000, 3, beta, 31), 1e-12);
}

TEST(BetaDivergenceTerms, ZeroRowOfWAndColumnOfHStayFinite) {
  for (double beta : kBetas) {
    Problem p = make_problem(40, 30, 3, beta, 41);
    for (std::int64_t l = 0; l < p.k; ++l) p.w[5 * p.k + l] = p.ht[7 * p.k + l] = 0.0;
    check_halves<double>(beta, p, 1e-12);
  }
}

TEST(BetaDivergenceTerms, FloatAgreesWithDouble) {
  for (double beta : kBetas) check_halves<float>(beta, make_problem(60, 900, 4, beta, 51), 1e-4);
}

TEST(BetaDivergenceTerms, EmptyBlockGivesZeroTerms) {
  const std::vector<double> w(4 * 2, 1.0), ht(3 * 2, 1.0);
  for (double beta : kBetas) {
    BetaDivergenceTerms<double> no_rows(beta, nullptr, 0, 3, 2);
    std::vector<double> numer(3 * 2, 5.0), denom(3 * 2, 5.0);
    const BlockSums sums = no_rows.h_half(nullptr, ht.data(), numer.data(),
                                          no_rows.forms_denominator() ? denom.data() : nullptr);
    EXPECT_EQ(numer, std::vector<double>(6, 0.0));
    if (no_rows.forms_denominator()) {
      EXPECT_EQ(denom, std::vector<double>(6, 0.0));
    }
    EXPECT_EQ(sums.divergence, 0.0);
    BetaDivergenceTerms<double> no_cols(beta, nullptr, 4, 0, 2);
    std::vector<double> w_numer(4 * 2, 5.0), w_denom(4 * 2, 5.0);
    no_cols.w_half(w.data(), nullptr, w_numer.data(),
                   no_cols.forms_denominator() ? w_denom.data() : nullptr);
    EXPECT_EQ(w_numer, std::vector<double>(8, 0.0));
  }
}

TEST(BetaDivergenceTerms, RejectsBetaOutsideZeroTwo) {
  EXPECT_THROW(BetaDivergenceTerms<double>(2.5, nullptr, 0, 0, 1), std::invalid_argument);
  EXPECT_THROW(BetaDivergenceTerms<double>(-0.1, nullptr, 0, 0, 1), std::invalid_argument);
  EXPECT_THROW(BetaDivergenceTerms<double>(std::nan(""), nullptr, 0, 0, 1), std::invalid_argument);
}

TEST(BetaDivergenceEntry, ClosedFormsAndLimits) {
  const double v = 1.7, y = 0.6;
  EXPECT_NEAR(local::beta_divergence_entry(2.0, v, y), 0.5 * (v - y) * (v - y), 1e-15);
  EXPECT_NEAR(local::beta_divergence_entry(1.0, v, y), v * std::log(v / y) - v + y, 1e-15);
  EXPECT_NEAR(local::beta_divergence_entry(0.0, v, y), v / y - std::log(v / y) - 1.0, 1e-15);
  EXPECT_NEAR(local::beta_divergence_entry(0.5, v, y),
              (std::sqrt(v) - 0.5 * std::sqrt(y) - 0.5 * v / std::sqrt(y)) / -0.25, 1e-14);
  EXPECT_EQ(local::beta_divergence_entry(1.0, 0.0, y), y);
  EXPECT_EQ(local::beta_divergence_entry(1.0, v, v), 0.0);
  // The general formula tends to the KL and IS forms.
  for (double delta : {1e-5, -1e-5}) {
    EXPECT_NEAR(local::beta_divergence_entry(1.0 + delta, v, y),
                local::beta_divergence_entry(1.0, v, y), 1e-4);
    EXPECT_NEAR(local::beta_divergence_entry(1e-5, v, y), local::beta_divergence_entry(0.0, v, y),
                1e-4);
  }
}

TEST(BetaMuUpdate, MatchesFormulaWithPenalties) {
  const std::int64_t rows = 6, k = 3;
  const std::vector<double> x0 = uniform(rows * k, 0.1, 1.0, 61),
                            numer = uniform(rows * k, 0.0, 2.0, 62),
                            denom = uniform(rows * k, 0.5, 2.0, 63);
  const std::vector<double> shared(denom.begin(), denom.begin() + k);
  const local::MuPenalty penalty{0.3, 0.2};
  for (double beta : kBetas) {
    const double gamma = local::mu_exponent(beta);
    EXPECT_EQ(gamma, beta < 1.0 ? 1.0 / (2.0 - beta) : 1.0);
    std::vector<double> x = x0, y = x0;
    local::beta_mu_update(beta, x.data(), numer.data(), denom.data(), rows, k, penalty);
    local::beta_mu_update_shared_denominator(beta, y.data(), numer.data(), shared.data(), rows, k,
                                             penalty);
    for (std::int64_t i = 0; i < rows * k; ++i) {
      const double top = std::max(numer[i] - 0.3, 0.0);
      EXPECT_NEAR(x[i], x0[i] * std::pow(top / (denom[i] + 0.2 * x0[i] + 1e-16), gamma), 1e-14);
      EXPECT_NEAR(y[i], x0[i] * std::pow(top / (shared[i % k] + 0.2 * x0[i] + 1e-16), gamma),
                  1e-14);
    }
  }
}

TEST(BetaMuUpdate, ColumnSums) {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6};
  std::vector<double> sums(2);
  local::column_sums(x.data(), 3, 2, sums.data());
  EXPECT_EQ(sums, (std::vector<double>{9, 12}));
}

// Alternating H then W updates on one block never increase the divergence.
TEST(BetaMuUpdate, FiftyIterationsDecreaseDivergenceMonotonically) {
  const std::int64_t rows = 40, cols = 30, k = 5;
  for (double beta : kBetas) {
    SCOPED_TRACE(::testing::Message() << "beta " << beta);
    const std::vector<double> v = uniform(rows * cols, 0.1, 3.0, 71);
    std::vector<double> w = uniform(rows * k, 0.1, 1.0, 72), ht = uniform(cols * k, 0.1, 1.0, 73);
    BetaDivergenceTerms<double> terms(beta, v.data(), rows, cols, k);
    std::vector<double> h_numer(cols * k), h_denom(cols * k), w_numer(rows * k), w_denom(rows * k);
    std::vector<double> sums(k);
    std::vector<double> history;
    for (int iteration = 0; iteration < 50; ++iteration) {
      if (terms.forms_denominator()) {
        history.push_back(
            terms.h_half(w.data(), ht.data(), h_numer.data(), h_denom.data()).divergence);
        local::beta_mu_update(beta, ht.data(), h_numer.data(), h_denom.data(), cols, k);
        history.push_back(
            terms.w_half(w.data(), ht.data(), w_numer.data(), w_denom.data()).divergence);
        local::beta_mu_update(beta, w.data(), w_numer.data(), w_denom.data(), rows, k);
      } else {
        history.push_back(terms.h_half(w.data(), ht.data(), h_numer.data(), nullptr).divergence);
        local::column_sums(w.data(), rows, k, sums.data());
        local::beta_mu_update_shared_denominator(beta, ht.data(), h_numer.data(), sums.data(), cols,
                                                 k);
        history.push_back(terms.w_half(w.data(), ht.data(), w_numer.data(), nullptr).divergence);
        local::column_sums(ht.data(), cols, k, sums.data());
        local::beta_mu_update_shared_denominator(beta, w.data(), w_numer.data(), sums.data(), rows,
                                                 k);
      }
    }
    for (size_t i = 1; i < history.size(); ++i)
      ASSERT_LE(history[i], history[i - 1] * (1.0 + 1e-12)) << "half-step " << i;
    EXPECT_LT(history.back(), 0.9 * history.front());
  }
}

}  // namespace
}  // namespace gridnmf
