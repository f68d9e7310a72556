#include "gridnmf/comm/component_share.hpp"

#include "gridnmf/comm/collectives.hpp"

namespace gridnmf::comm {

template <typename T>
std::vector<double> component_shares(const ProcessGrid& grid, const LocalMatrix<T>& w_own,
                                     const LocalMatrix<T>& ht_own) {
  const std::int64_t k = w_own.cols;
  std::vector<double> sums(static_cast<std::size_t>(2 * k), 0.0);  // 1^T W, then H 1
  for (std::int64_t r = 0; r < w_own.rows; ++r) {
    for (std::int64_t l = 0; l < k; ++l) sums[l] += w_own(r, l);
  }
  for (std::int64_t c = 0; c < ht_own.rows; ++c) {
    for (std::int64_t l = 0; l < k; ++l) sums[k + l] += ht_own(c, l);
  }
  allreduce_sum(grid.all(), sums.data(), 2 * k);
  std::vector<double> shares(static_cast<std::size_t>(k));
  double total = 0.0;
  for (std::int64_t l = 0; l < k; ++l) {
    shares[l] = sums[l] * sums[k + l];
    total += shares[l];
  }
  for (double& share : shares) share = total > 0 ? share / total : 0.0;
  return shares;
}

template std::vector<double> component_shares<double>(const ProcessGrid&,
                                                      const LocalMatrix<double>&,
                                                      const LocalMatrix<double>&);
template std::vector<double> component_shares<float>(const ProcessGrid&,
                                                     const LocalMatrix<float>&,
                                                     const LocalMatrix<float>&);

}  // namespace gridnmf::comm
