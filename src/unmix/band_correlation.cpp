#include "gridnmf/unmix/band_correlation.hpp"

#include <algorithm>

#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/local/blas.hpp"

namespace gridnmf::unmix {

namespace {
constexpr std::int64_t kRoundPixels = 256;
}

template <typename T>
std::vector<double> band_correlation(const ProcessGrid& grid, const Distribution& dist,
                                     const DataBlock<T>& v_block) {
  const std::int64_t m = dist.rows();
  const int pr = grid.shape().rows;
  std::vector<std::int64_t> pieces(static_cast<size_t>(pr));
  for (int i = 0; i < pr; ++i) pieces[i] = dist.block_rows(i).size;
  const LocalMatrix<T>& block = v_block.dense();
  const std::int64_t m_i = block.rows, n_j = block.cols;
  std::vector<double> correlation(static_cast<size_t>(m * m), 0.0);
  std::vector<T> mine(static_cast<size_t>(m_i * kRoundPixels));
  std::vector<T> gathered(static_cast<size_t>(m * kRoundPixels));
  std::vector<double> pixels_by_bands;
  // The same number of rounds on every rank of a grid column (same C_j).
  for (std::int64_t first = 0; first < n_j; first += kRoundPixels) {
    const std::int64_t width = std::min(kRoundPixels, n_j - first);
    for (std::int64_t r = 0; r < m_i; ++r) {
      std::copy_n(&block(r, first), width, &mine[r * width]);
    }
    comm::allgather_rows(grid.col_comm(), mine.data(), pieces, width, gathered.data());
    // This rank's share of the round's pixels, as a pixels x bands matrix.
    const std::int64_t lo = width * grid.row() / pr, hi = width * (grid.row() + 1) / pr;
    if (hi == lo) continue;
    pixels_by_bands.assign(static_cast<size_t>((hi - lo) * m), 0.0);
    for (std::int64_t b = 0; b < m; ++b) {
      for (std::int64_t p = lo; p < hi; ++p) {
        pixels_by_bands[(p - lo) * m + b] = static_cast<double>(gathered[b * width + p]);
      }
    }
    local::gemm(true, false, m, m, hi - lo, 1.0, pixels_by_bands.data(), m,
                pixels_by_bands.data(), m, 1.0, correlation.data(), m);
  }
  comm::allreduce_sum(grid.all(), correlation.data(), m * m);
  return correlation;
}

template std::vector<double> band_correlation<double>(const ProcessGrid&, const Distribution&,
                                                      const DataBlock<double>&);
template std::vector<double> band_correlation<float>(const ProcessGrid&, const Distribution&,
                                                     const DataBlock<float>&);

}  // namespace gridnmf::unmix
