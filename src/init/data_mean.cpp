#include "gridnmf/init/data_mean.hpp"

#include <vector>

#include "gridnmf/comm/collectives.hpp"

namespace gridnmf {

namespace {

// hi + lo, kept unevaluated; add() is Knuth's two-sum.
struct DoubleDouble {
  double hi = 0.0;
  double lo = 0.0;
  void add(double x) {
    const double sum = hi + x;
    const double back = sum - hi;
    lo += (hi - (sum - back)) + (x - back);
    hi = sum;
  }
};

}  // namespace

template <typename T>
double grid_independent_mean(const ProcessGrid& grid, const DataBlock<T>& v_block,
                             std::int64_t m, std::int64_t n) {
  DoubleDouble local;
  for (const T value : v_block.stored_values()) local.add(static_cast<double>(value));
  double mine[2] = {local.hi, local.lo};
  std::vector<double> all(static_cast<size_t>(2 * grid.size()));
  comm::allgather_rows(grid.all(), mine, std::vector<std::int64_t>(grid.size(), 1), 2,
                       all.data());
  DoubleDouble total;
  for (int r = 0; r < grid.size(); ++r) total.add(all[2 * r]);
  for (int r = 0; r < grid.size(); ++r) total.add(all[2 * r + 1]);
  return (total.hi + total.lo) / (static_cast<double>(m) * static_cast<double>(n));
}

template double grid_independent_mean<double>(const ProcessGrid&, const DataBlock<double>&,
                                              std::int64_t, std::int64_t);
template double grid_independent_mean<float>(const ProcessGrid&, const DataBlock<float>&,
                                             std::int64_t, std::int64_t);

}  // namespace gridnmf
