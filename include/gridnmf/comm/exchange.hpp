#pragma once

#include <mpi.h>

#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

namespace gridnmf::comm {

// Personalised all-to-all: `grouped` holds the items for rank 0, then those
// for rank 1, ... (send_counts[r] items for rank r); returns the items every
// rank sent to this one, in rank order. Used where data must move to its
// owner once (sparse entries on read, factor rows between orders), never in
// the iteration. Every rank fails alike when a message would pass MPI's int
// limit. Collective over `comm` (MPI_Alltoall + MPI_Alltoallv).
template <typename Item>
std::vector<Item> exchange(MPI_Comm comm, const std::vector<Item>& grouped,
                           const std::vector<std::int64_t>& send_counts);

namespace detail {
// The byte-level exchange behind exchange(); returns the bytes received.
std::vector<unsigned char> exchange_bytes(MPI_Comm comm, const unsigned char* grouped,
                                          const std::vector<std::int64_t>& send_bytes);
}  // namespace detail

template <typename Item>
std::vector<Item> exchange(MPI_Comm comm, const std::vector<Item>& grouped,
                           const std::vector<std::int64_t>& send_counts) {
  static_assert(std::is_trivially_copyable_v<Item>, "exchange moves items as bytes");
  std::vector<std::int64_t> send_bytes(send_counts.size());
  for (std::size_t r = 0; r < send_counts.size(); ++r) {
    send_bytes[r] = send_counts[r] * static_cast<std::int64_t>(sizeof(Item));
  }
  const std::vector<unsigned char> bytes = detail::exchange_bytes(
      comm, reinterpret_cast<const unsigned char*>(grouped.data()), send_bytes);
  std::vector<Item> received(bytes.size() / sizeof(Item));
  if (!bytes.empty()) std::memcpy(received.data(), bytes.data(), bytes.size());
  return received;
}

}  // namespace gridnmf::comm
