#include "gridnmf/comm/collectives.hpp"

#include <climits>
#include <string>

#include "gridnmf/error.hpp"
#include "gridnmf/mpi/datatype.hpp"
#include "gridnmf/mpi/error.hpp"

namespace gridnmf::comm {

int checked_count(std::int64_t count) {
  if (count < 0 || count > INT_MAX) {
    throw Error("a message of " + std::to_string(count) +
                " elements exceeds the MPI int limit; use more ranks or a smaller rank k");
  }
  return static_cast<int>(count);
}

namespace {

// Counts and displacements in elements for pieces of `row_width`-wide rows.
void piece_layout(const std::vector<std::int64_t>& piece_rows, std::int64_t row_width,
                  std::vector<int>& counts, std::vector<int>& offsets) {
  counts.resize(piece_rows.size());
  offsets.resize(piece_rows.size());
  std::int64_t offset = 0;
  for (size_t r = 0; r < piece_rows.size(); ++r) {
    counts[r] = checked_count(piece_rows[r] * row_width);
    offsets[r] = checked_count(offset);
    offset += piece_rows[r] * row_width;
  }
  checked_count(offset);
}

}  // namespace

template <typename T>
void allreduce_sum(MPI_Comm comm, T* values, std::int64_t count) {
  GRIDNMF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, values, checked_count(count),
                                  mpi::datatype<T>(), MPI_SUM, comm));
}

template <typename T>
void allreduce_max(MPI_Comm comm, T* values, std::int64_t count) {
  GRIDNMF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, values, checked_count(count),
                                  mpi::datatype<T>(), MPI_MAX, comm));
}

template <typename T>
void allreduce_min(MPI_Comm comm, T* values, std::int64_t count) {
  GRIDNMF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, values, checked_count(count),
                                  mpi::datatype<T>(), MPI_MIN, comm));
}

template <typename T>
void broadcast(MPI_Comm comm, T* values, std::int64_t count, int root) {
  GRIDNMF_MPI_CHECK(MPI_Bcast(values, checked_count(count), mpi::datatype<T>(), root, comm));
}

void barrier(MPI_Comm comm) { GRIDNMF_MPI_CHECK(MPI_Barrier(comm)); }

template <typename T>
void allgather_rows(MPI_Comm comm, const T* mine, const std::vector<std::int64_t>& piece_rows,
                    std::int64_t row_width, T* gathered) {
  std::vector<int> counts, offsets;
  piece_layout(piece_rows, row_width, counts, offsets);
  int me = 0;
  MPI_Comm_rank(comm, &me);
  GRIDNMF_MPI_CHECK(MPI_Allgatherv(mine, counts[me], mpi::datatype<T>(), gathered,
                                   counts.data(), offsets.data(), mpi::datatype<T>(), comm));
}

template <typename T>
void reduce_scatter_rows(MPI_Comm comm, const T* contributions,
                         const std::vector<std::int64_t>& piece_rows, std::int64_t row_width,
                         T* mine) {
  std::vector<int> counts, offsets;
  piece_layout(piece_rows, row_width, counts, offsets);
  GRIDNMF_MPI_CHECK(MPI_Reduce_scatter(contributions, mine, counts.data(), mpi::datatype<T>(),
                                       MPI_SUM, comm));
}

template void allreduce_sum<double>(MPI_Comm, double*, std::int64_t);
template void allreduce_sum<float>(MPI_Comm, float*, std::int64_t);
template void allreduce_sum<std::int64_t>(MPI_Comm, std::int64_t*, std::int64_t);
template void allreduce_max<double>(MPI_Comm, double*, std::int64_t);
template void allreduce_max<std::int64_t>(MPI_Comm, std::int64_t*, std::int64_t);
template void allreduce_min<std::int64_t>(MPI_Comm, std::int64_t*, std::int64_t);
template void broadcast<double>(MPI_Comm, double*, std::int64_t, int);
template void allgather_rows<double>(MPI_Comm, const double*, const std::vector<std::int64_t>&,
                                     std::int64_t, double*);
template void allgather_rows<float>(MPI_Comm, const float*, const std::vector<std::int64_t>&,
                                    std::int64_t, float*);
template void reduce_scatter_rows<double>(MPI_Comm, const double*,
                                          const std::vector<std::int64_t>&, std::int64_t,
                                          double*);
template void reduce_scatter_rows<float>(MPI_Comm, const float*,
                                         const std::vector<std::int64_t>&, std::int64_t, float*);

}  // namespace gridnmf::comm
