#include "gridnmf/comm/collectives.hpp"

#include <climits>
#include <string>

#include "gridnmf/error.hpp"
#include "gridnmf/mpi/datatype.hpp"
#include "gridnmf/mpi/error.hpp"
#include "traffic_recording.hpp"

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

int size_of(MPI_Comm comm) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  return size;
}

// An allreduce of `count` elements moves the buffer each way, or nothing alone.
template <typename T>
void record_allreduce(MPI_Comm comm, std::int64_t count) {
  const std::int64_t bytes = size_of(comm) > 1 ? count * static_cast<std::int64_t>(sizeof(T)) : 0;
  record_traffic(Collective::kAllreduce, bytes, bytes);
}

// Own piece and the others' pieces of an allgather or reduce-scatter, in bytes.
template <typename T>
void record_pieces(Collective kind, const std::vector<int>& counts, int me) {
  std::int64_t all = 0;
  for (const int count : counts) all += count;
  const std::int64_t own = counts[me];
  const std::int64_t others = static_cast<std::int64_t>(counts.size()) - 1;
  const std::int64_t element = sizeof(T);
  if (kind == Collective::kAllgather) {
    record_traffic(kind, own * others * element, (all - own) * element);
  } else {
    record_traffic(kind, (all - own) * element, own * others * element);
  }
}

}  // namespace

template <typename T>
void allreduce_sum(MPI_Comm comm, T* values, std::int64_t count) {
  GRIDNMF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, values, checked_count(count),
                                  mpi::datatype<T>(), MPI_SUM, comm));
  record_allreduce<T>(comm, count);
}

template <typename T>
void allreduce_max(MPI_Comm comm, T* values, std::int64_t count) {
  GRIDNMF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, values, checked_count(count),
                                  mpi::datatype<T>(), MPI_MAX, comm));
  record_allreduce<T>(comm, count);
}

template <typename T>
void allreduce_min(MPI_Comm comm, T* values, std::int64_t count) {
  GRIDNMF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, values, checked_count(count),
                                  mpi::datatype<T>(), MPI_MIN, comm));
  record_allreduce<T>(comm, count);
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
  record_pieces<T>(Collective::kAllgather, counts, me);
}

template <typename T>
void reduce_scatter_rows(MPI_Comm comm, const T* contributions,
                         const std::vector<std::int64_t>& piece_rows, std::int64_t row_width,
                         T* mine) {
  std::vector<int> counts, offsets;
  piece_layout(piece_rows, row_width, counts, offsets);
  GRIDNMF_MPI_CHECK(MPI_Reduce_scatter(contributions, mine, counts.data(), mpi::datatype<T>(),
                                       MPI_SUM, comm));
  int me = 0;
  MPI_Comm_rank(comm, &me);
  record_pieces<T>(Collective::kReduceScatter, counts, me);
}

template <typename T>
std::vector<T> gather_rows_to_root(MPI_Comm comm, const T* mine, std::int64_t my_rows,
                                   std::int64_t row_width, int root) {
  int me = 0, ranks = 1;
  MPI_Comm_rank(comm, &me);
  MPI_Comm_size(comm, &ranks);
  std::int64_t rows = my_rows;
  std::vector<std::int64_t> piece_rows(static_cast<size_t>(ranks), 0);
  // Every rank learns every count, so a total past INT_MAX throws everywhere.
  GRIDNMF_MPI_CHECK(MPI_Allgather(&rows, 1, mpi::datatype<std::int64_t>(), piece_rows.data(), 1,
                                  mpi::datatype<std::int64_t>(), comm));
  std::vector<int> counts, offsets;
  piece_layout(piece_rows, row_width, counts, offsets);
  std::vector<T> gathered;
  if (me == root) gathered.resize(static_cast<size_t>(offsets.back() + counts.back()));
  GRIDNMF_MPI_CHECK(MPI_Gatherv(mine, checked_count(my_rows * row_width), mpi::datatype<T>(),
                                gathered.data(), counts.data(), offsets.data(),
                                mpi::datatype<T>(), root, comm));
  return gathered;
}

template void allreduce_sum<double>(MPI_Comm, double*, std::int64_t);
template void allreduce_sum<float>(MPI_Comm, float*, std::int64_t);
template void allreduce_sum<std::int64_t>(MPI_Comm, std::int64_t*, std::int64_t);
template void allreduce_max<double>(MPI_Comm, double*, std::int64_t);
template void allreduce_max<std::int64_t>(MPI_Comm, std::int64_t*, std::int64_t);
template void allreduce_min<double>(MPI_Comm, double*, std::int64_t);
template void allreduce_min<std::int64_t>(MPI_Comm, std::int64_t*, std::int64_t);
template void broadcast<double>(MPI_Comm, double*, std::int64_t, int);
template void broadcast<std::int64_t>(MPI_Comm, std::int64_t*, std::int64_t, int);
template void allgather_rows<double>(MPI_Comm, const double*, const std::vector<std::int64_t>&,
                                     std::int64_t, double*);
template void allgather_rows<float>(MPI_Comm, const float*, const std::vector<std::int64_t>&,
                                    std::int64_t, float*);
template std::vector<double> gather_rows_to_root<double>(MPI_Comm, const double*, std::int64_t,
                                                         std::int64_t, int);
template std::vector<std::int64_t> gather_rows_to_root<std::int64_t>(MPI_Comm,
                                                                     const std::int64_t*,
                                                                     std::int64_t, std::int64_t,
                                                                     int);
template void reduce_scatter_rows<double>(MPI_Comm, const double*,
                                          const std::vector<std::int64_t>&, std::int64_t,
                                          double*);
template void reduce_scatter_rows<float>(MPI_Comm, const float*,
                                         const std::vector<std::int64_t>&, std::int64_t, float*);

}  // namespace gridnmf::comm
