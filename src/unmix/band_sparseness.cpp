#include "gridnmf/unmix/band_sparseness.hpp"

#include <cmath>
#include <vector>

#include "gridnmf/comm/collectives.hpp"

namespace gridnmf::unmix {

template <typename T>
double band_sparseness(const ProcessGrid& grid, const Distribution& dist,
                       const DataBlock<T>& v_block) {
  const std::int64_t m = dist.rows(), n = dist.cols();
  if (n < 2) return 0.0;
  const IndexRange rows = dist.block_rows(grid.row());
  const LocalMatrix<T>& block = v_block.dense();
  // Row sums of |v| and v^2 at the band's global index: 2m words, summed
  // over every rank (zeros where a rank holds none of the band).
  std::vector<double> sums(static_cast<size_t>(2 * m), 0.0);
  for (std::int64_t r = 0; r < block.rows; ++r) {
    double l1 = 0.0, l2 = 0.0;
    for (std::int64_t c = 0; c < block.cols; ++c) {
      const double value = static_cast<double>(block(r, c));
      l1 += std::abs(value);
      l2 += value * value;
    }
    sums[rows.begin + r] = l1;
    sums[m + rows.begin + r] = l2;
  }
  comm::allreduce_sum(grid.all(), sums.data(), 2 * m);
  const double root_n = std::sqrt(static_cast<double>(n));
  double total = 0.0;
  for (std::int64_t b = 0; b < m; ++b) {
    if (!(sums[m + b] > 0.0)) continue;  // a dead band says nothing
    total += (root_n - sums[b] / std::sqrt(sums[m + b])) / std::sqrt(static_cast<double>(n - 1));
  }
  return total / std::sqrt(static_cast<double>(m));
}

template double band_sparseness<double>(const ProcessGrid&, const Distribution&,
                                        const DataBlock<double>&);
template double band_sparseness<float>(const ProcessGrid&, const Distribution&,
                                       const DataBlock<float>&);

}  // namespace gridnmf::unmix
