#pragma once

#include <mpi.h>

#include <cstdint>
#include <vector>

namespace gridnmf::comm {

// In-place sum over all ranks of `comm` (used for the k x k Gram matrices and
// the scalars bundled with them). Collective over `comm`.
template <typename T>
void allreduce_sum(MPI_Comm comm, T* values, std::int64_t count);

// In-place element-wise maximum / minimum over all ranks of `comm`.
template <typename T>
void allreduce_max(MPI_Comm comm, T* values, std::int64_t count);
template <typename T>
void allreduce_min(MPI_Comm comm, T* values, std::int64_t count);

// Copies `count` values from rank `root` to every rank of `comm` (results
// computed redundantly are taken from one rank so they agree bitwise).
// Collective over `comm`.
template <typename T>
void broadcast(MPI_Comm comm, T* values, std::int64_t count, int root = 0);

// Waits until every rank of `comm` has arrived.
void barrier(MPI_Comm comm);

// Concatenates every rank's row-major piece of `row_width`-wide rows, in rank
// order: rank r contributes piece_rows[r] rows. `gathered` receives
// sum(piece_rows) rows. Collective over `comm` (MPI_Allgatherv).
template <typename T>
void allgather_rows(MPI_Comm comm, const T* mine, const std::vector<std::int64_t>& piece_rows,
                    std::int64_t row_width, T* gathered);

// Sums `contributions` (sum(piece_rows) rows of `row_width`, the same layout on
// every rank) over `comm` and leaves rank r the piece_rows[r] rows of its own
// piece in `mine`. Collective over `comm` (MPI_Reduce_scatter).
template <typename T>
void reduce_scatter_rows(MPI_Comm comm, const T* contributions,
                         const std::vector<std::int64_t>& piece_rows, std::int64_t row_width,
                         T* mine);

// Concatenates every rank's `my_rows` rows of `row_width` on `root`, in rank
// order (MPI_Gatherv; the counts are shared first). Returns them on root,
// nothing elsewhere. Collective over `comm`.
template <typename T>
std::vector<T> gather_rows_to_root(MPI_Comm comm, const T* mine, std::int64_t my_rows,
                                   std::int64_t row_width, int root = 0);

// Converts an element count to the int MPI takes; throws Error past INT_MAX.
int checked_count(std::int64_t count);

}  // namespace gridnmf::comm
