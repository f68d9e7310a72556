#pragma once

// Helpers for MPI tests: grids to try at the current rank count, and assembly
// of distributed pieces into whole matrices for comparison with the reference.
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/matrix/local_matrix.hpp"
#include "serial_reference.hpp"

namespace gridnmf::testing {

// Every pr x pc factorization of the size of `comm`.
inline std::vector<GridShape> all_grid_shapes(int ranks) {
  std::vector<GridShape> shapes;
  for (int pr = 1; pr <= ranks; ++pr)
    if (ranks % pr == 0) shapes.push_back({pr, ranks / pr});
  return shapes;
}

inline int world_size() {
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

// Whole W (m x k) on every rank of the grid: each rank adds its owned rows to
// zeros, then an allreduce sums the disjoint pieces (exact, so bitwise).
template <typename T>
reference::Dense assemble_w(const ProcessGrid& grid, const Distribution& dist,
                            const LocalMatrix<T>& w_own) {
  const IndexRange rows = dist.owned_w_rows(grid.row(), grid.col());
  reference::Dense w(dist.rows(), w_own.cols);
  for (std::int64_t r = 0; r < rows.size; ++r)
    for (std::int64_t c = 0; c < w_own.cols; ++c) w(rows.begin + r, c) = w_own(r, c);
  MPI_Allreduce(MPI_IN_PLACE, w.v.data(), static_cast<int>(w.v.size()), MPI_DOUBLE, MPI_SUM,
                grid.all());
  return w;
}

// Whole H (k x n) on every rank from the owned columns stored as (cols x k).
template <typename T>
reference::Dense assemble_h(const ProcessGrid& grid, const Distribution& dist,
                            const LocalMatrix<T>& ht_own) {
  const IndexRange cols = dist.owned_h_cols(grid.row(), grid.col());
  reference::Dense h(ht_own.cols, dist.cols());
  for (std::int64_t c = 0; c < cols.size; ++c)
    for (std::int64_t l = 0; l < ht_own.cols; ++l) h(l, cols.begin + c) = ht_own(c, l);
  MPI_Allreduce(MPI_IN_PLACE, h.v.data(), static_cast<int>(h.v.size()), MPI_DOUBLE, MPI_SUM,
                grid.all());
  return h;
}

// max |a - b| / max |b|.
inline double relative_difference(const reference::Dense& a, const reference::Dense& b) {
  double diff = 0.0, scale = 0.0;
  for (size_t i = 0; i < a.v.size(); ++i) {
    diff = std::max(diff, std::abs(a.v[i] - b.v[i]));
    scale = std::max(scale, std::abs(b.v[i]));
  }
  return scale > 0 ? diff / scale : diff;
}

}  // namespace gridnmf::testing
