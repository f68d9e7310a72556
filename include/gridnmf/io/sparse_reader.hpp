#pragma once

#include <hdf5.h>
#include <mpi.h>

#include <cstdint>
#include <string>
#include <vector>

#include "gridnmf/comm/factor_order.hpp"
#include "gridnmf/io/sparse_layout.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/matrix/sparse_block.hpp"

namespace gridnmf::io {

// Where the entries of a sparse input go: V is the stored matrix, or its
// transpose; entry (r, c) of V lands at (order.rows.forward(r),
// order.cols.forward(c)) in the block of `dist` that holds it, on the rank
// i * pc + j of `comm` for block (i, j). Replicated.
struct SparseTarget {
  const Distribution* dist = nullptr;
  bool transpose = false;
  comm::InputOrder order;
  std::int64_t panel_cols = 0;  // columns per panel of the block (0: one panel)
  // --missing nan: a stored NaN is a missing entry, kept as a stored -0.0
  // (matrix/holdout_mask.hpp) instead of refused.
  bool nan_is_missing = false;
};

// Nonzeros per rank with the target's order and in the input's own order,
// and the duplicates that were summed. Replicated after the read.
struct SparseReadReport {
  std::vector<std::int64_t> nonzeros_per_rank;
  std::vector<std::int64_t> unpermuted_nonzeros_per_rank;
  std::int64_t duplicates_summed = 0;
  std::int64_t zeros_dropped = 0;
};

// Reads this rank's CSR block of V. Every rank reads a contiguous 1/p slice
// of the stored nonzeros (and 1/p of indptr), in rounds of at most
// kEntriesPerRound entries; an all-to-all per round sends each entry to the
// rank that owns it. The slice is read twice (count, then place), so no rank
// holds more than its own block plus one round's buffers, whatever the
// file's order. Duplicate entries are summed and stored zeros dropped (as
// scipy's sum_duplicates/eliminate_zeros do).
// Checks indptr (starts at 0, never decreases, ends at the number of values),
// every index against the shape and every value (finite, >= 0): the same
// one-line Error on every rank. Collective over `comm`.
template <typename T>
SparseBlock<T> read_sparse_block(MPI_Comm comm, hid_t file, const std::string& path,
                                 const SparseLayout& layout, const SparseTarget& target,
                                 SparseReadReport& report);

// 256 Ki entries: about 18 MiB of buffers per round (values, indices,
// destinations and three 16-byte entry arrays).
inline constexpr std::int64_t kEntriesPerRound = std::int64_t{1} << 18;

}  // namespace gridnmf::io
