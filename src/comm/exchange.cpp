#include "gridnmf/comm/exchange.hpp"

#include <climits>

#include "gridnmf/error.hpp"
#include "gridnmf/mpi/error.hpp"

namespace gridnmf::comm::detail {

std::vector<unsigned char> exchange_bytes(MPI_Comm comm, const unsigned char* grouped,
                                          const std::vector<std::int64_t>& send_bytes) {
  int size = 1;
  GRIDNMF_MPI_CHECK(MPI_Comm_size(comm, &size));
  std::vector<std::int64_t> receive_bytes(static_cast<std::size_t>(size));
  GRIDNMF_MPI_CHECK(MPI_Alltoall(send_bytes.data(), 1, MPI_INT64_T, receive_bytes.data(), 1,
                                 MPI_INT64_T, comm));
  std::vector<int> send_counts(size), send_offsets(size), receive_counts(size),
      receive_offsets(size);
  std::int64_t sent = 0, received = 0;
  for (int r = 0; r < size; ++r) {
    send_offsets[r] = static_cast<int>(sent < INT_MAX ? sent : 0);
    receive_offsets[r] = static_cast<int>(received < INT_MAX ? received : 0);
    send_counts[r] = static_cast<int>(send_bytes[r] < INT_MAX ? send_bytes[r] : 0);
    receive_counts[r] = static_cast<int>(receive_bytes[r] < INT_MAX ? receive_bytes[r] : 0);
    sent += send_bytes[r];
    received += receive_bytes[r];
  }
  // Agreed before the exchange, so no rank is left waiting in it.
  int too_large = sent > INT_MAX || received > INT_MAX ? 1 : 0;
  GRIDNMF_MPI_CHECK(MPI_Allreduce(MPI_IN_PLACE, &too_large, 1, MPI_INT, MPI_MAX, comm));
  if (too_large) {
    throw Error("a redistribution message exceeds MPI's 2 GiB limit; use more ranks");
  }
  std::vector<unsigned char> incoming(static_cast<std::size_t>(received));
  GRIDNMF_MPI_CHECK(MPI_Alltoallv(grouped, send_counts.data(), send_offsets.data(), MPI_BYTE,
                                  incoming.data(), receive_counts.data(), receive_offsets.data(),
                                  MPI_BYTE, comm));
  return incoming;
}

}  // namespace gridnmf::comm::detail
