// The KL tile step (vectorised on AVX2 cores) against the definition, entry
// by entry, for every row length around the vector widths.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "gridnmf/local/kl_tile.hpp"

namespace gridnmf {
namespace {

// A tile with zeros of V, W H below the floor and exact zeros of W H.
template <typename T>
void make_tile(std::int64_t rows, std::int64_t ld, unsigned seed, std::vector<T>& v,
               std::vector<T>& y) {
  std::mt19937_64 engine(seed);
  std::uniform_real_distribution<double> draw(0.0, 3.0);
  v.resize(static_cast<size_t>(rows * ld));
  y.resize(static_cast<size_t>(rows * ld));
  for (size_t i = 0; i < v.size(); ++i) {
    v[i] = i % 5 == 0 ? T(0) : static_cast<T>(draw(engine));
    y[i] = i % 7 == 3 ? T(0) : i % 11 == 4 ? T(1e-20) : static_cast<T>(draw(engine) + 1e-3);
  }
}

template <typename T>
void check_widths(double sums_tolerance) {
  for (std::int64_t width = 1; width <= 21; ++width) {
    SCOPED_TRACE(::testing::Message() << "row length " << width);
    const std::int64_t rows = 3, ld = width + 2;  // V rows longer than the tile's
    std::vector<T> v, y;
    make_tile(rows, ld, 100 + static_cast<unsigned>(width), v, y);
    std::vector<T> tile(static_cast<size_t>(rows * width)), expected(tile.size());
    local::BlockSums sums;
    for (std::int64_t r = 0; r < rows; ++r) {
      for (std::int64_t c = 0; c < width; ++c) {
        const T vv = v[r * ld + c], wh = y[r * ld + c];
        const T floored = std::max(wh, local::beta_floor<T>());
        tile[r * width + c] = wh;
        expected[r * width + c] = vv / floored;
        sums.squared_error += (static_cast<double>(vv) - wh) * (static_cast<double>(vv) - wh);
        sums.divergence += static_cast<double>(floored) - vv;
        if (vv > T(0)) sums.divergence += static_cast<double>(vv) * std::log(vv / floored);
      }
    }
    std::vector<T> quotient = tile;
    local::kl_quotient(v.data(), ld, quotient.data(), rows, width);
    EXPECT_EQ(quotient, expected);  // a division rounds alike in any width
    std::vector<T> with_sums = tile;
    const local::BlockSums actual =
        local::kl_quotient_with_sums(v.data(), ld, with_sums.data(), rows, width);
    EXPECT_EQ(with_sums, expected);
    EXPECT_NEAR(actual.divergence, sums.divergence, sums_tolerance * std::abs(sums.divergence));
    EXPECT_NEAR(actual.squared_error, sums.squared_error, 1e-14 * sums.squared_error);
  }
}

TEST(KlTile, DoubleMatchesDefinitionForEveryRowLength) { check_widths<double>(1e-13); }

// Float logarithms may differ by a few ulp from the scalar ones.
TEST(KlTile, FloatMatchesDefinitionForEveryRowLength) { check_widths<float>(1e-6); }

}  // namespace
}  // namespace gridnmf
