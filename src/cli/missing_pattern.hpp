#pragma once

// --missing-pattern FILE: the stored entries of a second sparse matrix are
// the missing entries of V, dense or sparse. Private to cli/.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "gridnmf/cli/progress.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/comm/factor_order.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/matrix_source.hpp"
#include "gridnmf/matrix/data_block.hpp"

namespace gridnmf::cli {

// Marks every entry of `pattern` in V as missing (-0.0, matrix/holdout_mask.hpp):
// a dense entry is overwritten; a sparse block gains a stored -0.0 at every
// pattern entry, in place of V's value where it has one, so the products see
// a zero there and the masked driver finds it. Panels of both blocks match.
template <typename T>
std::int64_t mark_pattern(DataBlock<T>& v, const SparseBlock<T>& pattern) {
  std::int64_t marked = 0;
  const std::int64_t rows = pattern.rows;
  if (!v.is_sparse()) {
    LocalMatrix<T>& dense = v.mutable_dense();
    for (std::int64_t p = 0; p < pattern.panels(); ++p)
      for (std::int64_t r = 0; r < rows; ++r)
        for (std::int64_t e = pattern.row_start[p * rows + r];
             e < pattern.row_start[p * rows + r + 1]; ++e) {
          dense(r, pattern.col_index[e]) = -T(0);
          ++marked;
        }
    return marked;
  }
  SparseBlock<T>& block = v.mutable_sparse();
  SparseBlock<T> merged;
  merged.rows = block.rows;
  merged.cols = block.cols;
  merged.panel_cols = block.panel_cols;
  merged.row_start.push_back(0);
  for (std::int64_t p = 0; p < block.panels(); ++p) {
    for (std::int64_t r = 0; r < rows; ++r) {
      std::int64_t a = block.row_start[p * rows + r], a_end = block.row_start[p * rows + r + 1];
      std::int64_t b = pattern.row_start[p * rows + r],
                   b_end = pattern.row_start[p * rows + r + 1];
      while (a < a_end || b < b_end) {  // the union of two ascending column lists
        const std::int32_t ca = a < a_end ? block.col_index[a] : INT32_MAX;
        const std::int32_t cb = b < b_end ? pattern.col_index[b] : INT32_MAX;
        if (cb <= ca) {
          merged.col_index.push_back(cb);
          merged.values.push_back(-T(0));
          ++marked;
          ++b;
          if (ca == cb) ++a;
        } else {
          merged.col_index.push_back(ca);
          merged.values.push_back(block.values[a]);
          ++a;
        }
      }
      merged.row_start.push_back(static_cast<std::int64_t>(merged.col_index.size()));
    }
  }
  block = std::move(merged);
  return marked;
}

// Reads the pattern in V's distribution, order and panels and marks it.
// Collective over grid.all(); UsageError (every rank) for a pattern that is
// not sparse or not V's shape.
template <typename T>
void apply_missing_pattern(const ProcessGrid& grid, const Distribution& dist,
                           const comm::InputOrder& order, const std::string& path,
                           bool transpose, DataBlock<T>& v, const ProgressPrinter& printer) {
  io::MatrixSource source = io::MatrixSource::open(grid.all(), path, "V", transpose);
  const io::MatrixShape shape = source.shape();
  if (!source.is_sparse()) {
    throw UsageError("--missing-pattern '" + path + "' must hold a sparse matrix /V (its stored "
                     "entries are the missing ones)");
  }
  if (shape.rows != dist.rows() || shape.cols != dist.cols()) {
    throw UsageError("--missing-pattern '" + path + "' is " + std::to_string(shape.rows) + " x " +
                     std::to_string(shape.cols) + ", V is " + std::to_string(dist.rows()) +
                     " x " + std::to_string(dist.cols()));
  }
  io::SparseReadReport report;
  const std::int64_t panel_cols = v.is_sparse() ? v.sparse().panel_cols : 0;
  const SparseBlock<T> pattern =
      source.read_sparse_block<T>({&dist, false, order, panel_cols}, report);
  source.close();
  std::int64_t marked = mark_pattern(v, pattern);
  comm::allreduce_sum(grid.all(), &marked, 1);
  printer.message("--missing-pattern: " + std::to_string(marked) +
                  " missing entries are left out of the objective");
}

}  // namespace gridnmf::cli
