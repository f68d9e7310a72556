#include "memory_need.hpp"

#include <cmath>

#include "gridnmf/error.hpp"

namespace gridnmf::cli {

namespace {

double ceil_div(double a, double b) { return std::ceil(a / b); }

std::optional<GridShape> grid_on(const ProblemSize& size, int ranks, int run_ranks) {
  if (size.grid && ranks == run_ranks) return size.grid;
  try {
    return choose_grid_shape(size.rows, size.cols, ranks);
  } catch (const UsageError&) {
    return std::nullopt;  // more ranks than the matrix can be split into
  }
}

}  // namespace

perf::MemoryNeed factorization_need(const ProblemSize& size, int ranks, int run_ranks) {
  const std::optional<GridShape> grid = grid_on(size, ranks, run_ranks);
  if (!grid) return {HUGE_VAL, 0.0};
  const double bytes = static_cast<double>(size.element_bytes);
  const double m = static_cast<double>(size.rows), n = static_cast<double>(size.cols);
  const double k = static_cast<double>(size.rank), p = ranks;
  const double block_rows = ceil_div(m, grid->rows), block_cols = ceil_div(n, grid->cols);
  perf::MemoryNeed need;
  if (size.nonzeros >= 0) {
    need.data = 2.0 * ceil_div(static_cast<double>(size.nonzeros), p) * (bytes + 4.0) +
                8.0 * block_rows;
  } else {
    need.data = block_rows * block_cols * bytes;
  }
  need.factors = (2.0 * (block_rows + block_cols) * k + 3.0 * (ceil_div(m, p) + ceil_div(n, p)) * k) *
                 bytes;
  return need;
}

perf::MemoryNeed generation_need(const ProblemSize& size, int ranks) {
  const std::optional<GridShape> grid = grid_on(size, ranks, -1);
  if (!grid) return {HUGE_VAL, 0.0};
  const double m = static_cast<double>(size.rows), n = static_cast<double>(size.cols);
  const double k = static_cast<double>(size.rank);
  perf::MemoryNeed need;
  need.data = ceil_div(m, grid->rows) * ceil_div(n, grid->cols) *
              static_cast<double>(size.element_bytes);
  need.factors = (ceil_div(m, grid->rows) + ceil_div(n, grid->cols)) * k * 8.0 * 2.0;
  return need;
}

}  // namespace gridnmf::cli
