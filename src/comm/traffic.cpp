#include "gridnmf/comm/traffic.hpp"

#include "traffic_recording.hpp"

namespace gridnmf::comm {

namespace {
Traffic counters;
}  // namespace

std::string to_string(Collective kind) {
  switch (kind) {
    case Collective::kAllgather:
      return "allgather";
    case Collective::kReduceScatter:
      return "reduce_scatter";
    case Collective::kAllreduce:
      return "allreduce";
  }
  return "unknown";
}

ByteCount Traffic::total() const {
  ByteCount sum;
  for (const ByteCount& count : bytes) {
    sum.sent += count.sent;
    sum.received += count.received;
  }
  return sum;
}

Traffic operator-(const Traffic& later, const Traffic& earlier) {
  Traffic difference;
  for (int kind = 0; kind < kCollectiveKinds; ++kind) {
    difference.bytes[kind].sent = later.bytes[kind].sent - earlier.bytes[kind].sent;
    difference.bytes[kind].received = later.bytes[kind].received - earlier.bytes[kind].received;
  }
  return difference;
}

const Traffic& traffic_counters() { return counters; }

void reset_traffic_counters() { counters = Traffic{}; }

void record_traffic(Collective kind, std::int64_t sent, std::int64_t received) {
  counters[kind].sent += sent;
  counters[kind].received += received;
}

}  // namespace gridnmf::comm
