// Grid parsing and the default grid choice (fewest words moved per iteration).
#include <gtest/gtest.h>

#include "gridnmf/error.hpp"
#include "gridnmf/grid/grid_shape.hpp"

namespace gridnmf {
namespace {

TEST(GridShape, ParsesPrxPc) {
  const GridShape shape = parse_grid_shape("2x3");
  EXPECT_EQ(shape.rows, 2);
  EXPECT_EQ(shape.cols, 3);
  EXPECT_EQ(shape.to_string(), "2x3");
  for (const char* bad : {"", "x2", "2x", "2", "axb", "0x4", "2x-1", "2x3x4", "1.5x2"}) {
    EXPECT_THROW(parse_grid_shape(bad), UsageError) << bad;
  }
}

TEST(GridShape, ChoosesTheShapeMovingFewestWords) {
  // Square matrix: square grid.
  EXPECT_EQ(choose_grid_shape(6000, 6000, 4).to_string(), "2x2");
  // Few rows, many columns (hyperspectral): split the columns.
  EXPECT_EQ(choose_grid_shape(156, 9025, 4).to_string(), "1x4");
  EXPECT_EQ(choose_grid_shape(9025, 156, 4).to_string(), "4x1");
  // Prime rank counts leave two choices; pick the cheaper one.
  EXPECT_EQ(choose_grid_shape(100, 1000, 3).to_string(), "1x3");
  EXPECT_EQ(choose_grid_shape(1000, 100, 3).to_string(), "3x1");
  // Never more grid rows than matrix rows.
  EXPECT_EQ(choose_grid_shape(2, 1000, 4).to_string(), "1x4");
  EXPECT_THROW(choose_grid_shape(1, 1, 2), UsageError);
  // The choice is a minimum over all factorizations.
  for (int p = 1; p <= 12; ++p) {
    const GridShape best = choose_grid_shape(300, 700, p);
    EXPECT_EQ(best.size(), p);
    for (int pr = 1; pr <= p; ++pr) {
      if (p % pr == 0) {
        EXPECT_LE(words_per_iteration(300, 700, best),
                  words_per_iteration(300, 700, GridShape{pr, p / pr}));
      }
    }
  }
}

}  // namespace
}  // namespace gridnmf
