#include "gridnmf/unmix/pixel_purity.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/init/column_factors.hpp"
#include "gridnmf/init/spa.hpp"

namespace gridnmf::unmix {

template <typename T>
double pixel_purity(const ProcessGrid& grid, const Distribution& dist,
                    const DataBlock<T>& v_block, std::int64_t k, double threshold) {
  const std::vector<std::int64_t> columns = spa_select_columns(grid, dist, v_block, k);
  const LocalMatrix<T> w_own = w_from_columns(grid, dist, v_block, columns);
  // The sum-to-one row 100 x the RMS pixel norm: a scene property, so it
  // does not follow --sum-to-one (close to fully constrained at any scale).
  double norm_squared = 0.0;  // ||V||^2: the blocks partition V
  const LocalMatrix<T>& block = v_block.dense();
  for (std::int64_t c = 0; c < block.cols; ++c) {
    for (std::int64_t r = 0; r < block.rows; ++r) {
      const double value = static_cast<double>(block(r, c));
      norm_squared += value * value;
    }
  }
  comm::allreduce_sum(grid.all(), &norm_squared, 1);
  const double delta = 100.0 * std::sqrt(norm_squared / static_cast<double>(dist.cols()));
  const LocalMatrix<T> ht_own = nnls_ht(grid, dist, v_block, w_own, Penalty{}, delta);
  double counts[2] = {0.0, 0.0};  // pure pixels, pixels with any abundance
  for (std::int64_t p = 0; p < ht_own.rows; ++p) {
    double total = 0.0, largest = 0.0;
    for (std::int64_t e = 0; e < k; ++e) {
      const double value = static_cast<double>(ht_own(p, e));
      total += value;
      largest = std::max(largest, value);
    }
    if (!(total > 0.0)) continue;
    counts[1] += 1.0;
    if (largest > threshold * total) counts[0] += 1.0;
  }
  comm::allreduce_sum(grid.all(), counts, 2);
  return counts[1] > 0.0 ? counts[0] / counts[1] : 0.0;
}

template double pixel_purity<double>(const ProcessGrid&, const Distribution&,
                                     const DataBlock<double>&, std::int64_t, double);
template double pixel_purity<float>(const ProcessGrid&, const Distribution&,
                                    const DataBlock<float>&, std::int64_t, double);

}  // namespace gridnmf::unmix
