// The cosine similarities select-rank's stability uses, from each rank's own
// rows of two W (any split, sizes that do not divide evenly), equal the
// serial ones on whole matrices; the matched cosine is blind to column order
// and scale.
#include <gtest/gtest.h>

#include <cmath>

#include "distributed_helpers.hpp"
#include "gridnmf/comm/component_cosines.hpp"
#include "gridnmf/matrix/block_range.hpp"
#include "gridnmf/selection/rank_table.hpp"

namespace gridnmf::testing {
namespace {

LocalMatrix<double> whole(std::int64_t rows, std::int64_t cols, double seed) {
  LocalMatrix<double> w(rows, cols);
  for (std::int64_t r = 0; r < rows; ++r)
    for (std::int64_t c = 0; c < cols; ++c) w(r, c) = std::fabs(std::sin(seed * (r + 1) * (c + 2)));
  return w;
}

LocalMatrix<double> my_rows(const LocalMatrix<double>& w, const IndexRange& rows) {
  LocalMatrix<double> piece(rows.size, w.cols);
  for (std::int64_t r = 0; r < rows.size; ++r)
    for (std::int64_t c = 0; c < w.cols; ++c) piece(r, c) = w(rows.begin + r, c);
  return piece;
}

TEST(ComponentCosines, OwnRowsGiveTheSerialCosines) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  for (const std::int64_t m : {3, 7, 31}) {
    const std::int64_t k = 3;
    const LocalMatrix<double> a = whole(m, k, 1.3), b = whole(m, k, 0.4);
    const IndexRange mine = block_range(m, ranks, rank);
    const std::vector<double> got =
        comm::column_cosines(MPI_COMM_WORLD, my_rows(a, mine), my_rows(b, mine));
    for (std::int64_t i = 0; i < k; ++i) {
      for (std::int64_t j = 0; j < k; ++j) {
        double dot = 0.0, na = 0.0, nb = 0.0;
        for (std::int64_t r = 0; r < m; ++r) {
          dot += a(r, i) * b(r, j);
          na += a(r, i) * a(r, i);
          nb += b(r, j) * b(r, j);
        }
        EXPECT_NEAR(got[i * k + j], dot / std::sqrt(na * nb), 1e-14) << "m " << m;
      }
    }
  }
}

TEST(ComponentCosines, MatchedCosineIsBlindToColumnOrderAndScaleAndZeroForDisjointColumns) {
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  const std::int64_t m = 30, k = 4;
  const LocalMatrix<double> a = whole(m, k, 1.3);
  LocalMatrix<double> b(m, k);
  const int order[4] = {2, 0, 3, 1};
  for (std::int64_t r = 0; r < m; ++r)
    for (int c = 0; c < 4; ++c) b(r, c) = 7.0 * (c + 1) * a(r, order[c]);
  const IndexRange mine = block_range(m, ranks, rank);
  EXPECT_NEAR(selection::matched_cosine(
                  comm::column_cosines(MPI_COMM_WORLD, my_rows(a, mine), my_rows(b, mine)), k),
              1.0, 1e-12);
  LocalMatrix<double> c(4, 2), d(4, 2);  // disjoint supports, and a zero column
  c(0, 0) = c(1, 1) = 1.0;
  d(2, 0) = 1.0;
  const IndexRange small = block_range(4, ranks, rank);
  EXPECT_NEAR(selection::matched_cosine(
                  comm::column_cosines(MPI_COMM_WORLD, my_rows(c, small), my_rows(d, small)), 2),
              0.0, 1e-15);
}

}  // namespace
}  // namespace gridnmf::testing
