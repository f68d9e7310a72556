#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace gridnmf::comm {

// The kinds of collective whose payload this layer counts.
enum class Collective { kAllgather, kReduceScatter, kAllreduce };
inline constexpr int kCollectiveKinds = 3;

// "allgather", "reduce_scatter", "allreduce" (the report's keys).
std::string to_string(Collective kind);

// Bytes one rank passed to collectives, counted from the counts it gives MPI
// (the logical payload, not what a particular MPI algorithm puts on the wire):
// - allgather (MPI_Allgatherv): sent = own piece x (ranks - 1),
//   received = the other ranks' pieces;
// - reduce-scatter: sent = the parts of its contribution that belong to the
//   other ranks, received = the other ranks' contributions to its own piece
//   (own piece x (ranks - 1)), the mirror image of the allgather;
// - allreduce: sent = received = the buffer.
// A communicator of one rank moves nothing and counts 0.
struct ByteCount {
  std::int64_t sent = 0;
  std::int64_t received = 0;
};

struct Traffic {
  std::array<ByteCount, kCollectiveKinds> bytes{};

  ByteCount& operator[](Collective kind) { return bytes[static_cast<int>(kind)]; }
  const ByteCount& operator[](Collective kind) const { return bytes[static_cast<int>(kind)]; }
  ByteCount total() const;
};

// What was counted between two snapshots.
Traffic operator-(const Traffic& later, const Traffic& earlier);

// This process's counters since start or the last reset: plain integers,
// one addition per collective call. Not thread-safe (MPI is used from one thread).
const Traffic& traffic_counters();
void reset_traffic_counters();

}  // namespace gridnmf::comm
