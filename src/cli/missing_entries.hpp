#pragma once

// --missing nan on a block just read. Private to cli/.
#include <cmath>
#include <cstdint>
#include <string>

#include "gridnmf/cli/progress.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/matrix/local_matrix.hpp"
#include "gridnmf/matrix/sparse_block.hpp"

namespace gridnmf::cli {

// NaN entries become -0.0, the mark of a missing entry
// (matrix/holdout_mask.hpp), and a -0.0 read from the file becomes +0.0.
// Says how many there are. Collective over grid.all().
template <typename T>
void mark_missing_entries(const ProcessGrid& grid, LocalMatrix<T>& block,
                          const ProgressPrinter& printer) {
  std::int64_t missing = 0;
  for (T& value : block.values) {
    if (std::isnan(value)) {
      value = -T(0);
      ++missing;
    } else if (value == T(0)) {
      value = T(0);
    }
  }
  comm::allreduce_sum(grid.all(), &missing, 1);
  printer.message("--missing nan: " + std::to_string(missing) +
                  " missing (NaN) entries are left out of the objective");
}

// The sparse reader already kept each stored NaN as a stored -0.0
// (io::SparseTarget::nan_is_missing): says how many. Collective over grid.all().
template <typename T>
void report_missing_entries(const ProcessGrid& grid, const SparseBlock<T>& block,
                            const ProgressPrinter& printer) {
  std::int64_t missing = 0;
  for (const T value : block.values) missing += std::signbit(value) ? 1 : 0;
  comm::allreduce_sum(grid.all(), &missing, 1);
  printer.message("--missing nan: " + std::to_string(missing) +
                  " missing (NaN) entries are left out of the objective");
}

}  // namespace gridnmf::cli
