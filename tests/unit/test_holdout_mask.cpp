// The held-out mask hides the asked fraction, independently of block shapes,
// and the -0.0 mark of a missing entry is told apart from an observed zero.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "gridnmf/matrix/holdout_mask.hpp"

namespace gridnmf {
namespace {

TEST(HoldoutMask, HidesTheAskedFraction) {
  for (const double fraction : {0.05, 0.2, 0.5}) {
    const HoldoutMask mask(3, fraction);
    std::int64_t hidden = 0;
    const std::int64_t rows = 400, cols = 300;
    for (std::int64_t r = 0; r < rows; ++r)
      for (std::int64_t c = 0; c < cols; ++c) hidden += mask.hides(r, c) ? 1 : 0;
    const double share = static_cast<double>(hidden) / (rows * cols);
    // 120000 draws: the binomial standard deviation is below 0.0015.
    EXPECT_NEAR(share, fraction, 0.006) << fraction;
  }
}

TEST(HoldoutMask, RowsAndColumnsAreNotCorrelated) {
  // Every row and every column holds out about the fraction, not whole lines.
  const HoldoutMask mask(11, 0.3);
  for (std::int64_t r = 0; r < 50; ++r) {
    int hidden = 0;
    for (std::int64_t c = 0; c < 2000; ++c) hidden += mask.hides(r, c) ? 1 : 0;
    EXPECT_NEAR(hidden / 2000.0, 0.3, 0.05) << "row " << r;
  }
  for (std::int64_t c = 0; c < 50; ++c) {
    int hidden = 0;
    for (std::int64_t r = 0; r < 2000; ++r) hidden += mask.hides(r, c) ? 1 : 0;
    EXPECT_NEAR(hidden / 2000.0, 0.3, 0.05) << "column " << c;
  }
}

TEST(HoldoutMask, SeedsGiveDifferentMasksAndZeroHidesNothing) {
  const HoldoutMask a(1, 0.2), b(2, 0.2), none(1, 0.0);
  int differ = 0;
  for (std::int64_t r = 0; r < 100; ++r) {
    for (std::int64_t c = 0; c < 100; ++c) {
      differ += a.hides(r, c) != b.hides(r, c) ? 1 : 0;
      EXPECT_FALSE(none.hides(r, c));
    }
  }
  // Independent masks differ on about 2 * 0.2 * 0.8 = 32% of the entries.
  EXPECT_NEAR(differ / 10000.0, 0.32, 0.03);
  EXPECT_FALSE(none.active());
}

TEST(HoldoutMask, MissingMarkIsTheSignOfZero) {
  EXPECT_TRUE(is_missing(-0.0));
  EXPECT_TRUE(is_missing(-0.0f));
  EXPECT_FALSE(is_missing(0.0));
  EXPECT_FALSE(is_missing(1.5f));
  // Scaling by a power of two (data_scale) keeps the mark.
  EXPECT_TRUE(is_missing(std::ldexp(-0.0, 7)));
}

}  // namespace
}  // namespace gridnmf
