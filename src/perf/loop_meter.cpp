#include "gridnmf/perf/loop_meter.hpp"

#include <mpi.h>

namespace gridnmf::perf {

namespace {
LoopRecord record;
}  // namespace

comm::Traffic LoopRecord::per_iteration_traffic() const {
  comm::Traffic share;
  if (iterations <= 0) return share;
  for (int kind = 0; kind < comm::kCollectiveKinds; ++kind) {
    share.bytes[kind].sent = traffic.bytes[kind].sent / iterations;
    share.bytes[kind].received = traffic.bytes[kind].received / iterations;
  }
  return share;
}

const LoopRecord& loop_record() { return record; }

void reset_loop_record() { record = LoopRecord{}; }

LoopMeter::LoopMeter() : start_traffic_(comm::traffic_counters()), start_seconds_(MPI_Wtime()) {}

void LoopMeter::finish(int iterations) {
  const comm::Traffic added = comm::traffic_counters() - start_traffic_;
  for (int kind = 0; kind < comm::kCollectiveKinds; ++kind) {
    record.traffic.bytes[kind].sent += added.bytes[kind].sent;
    record.traffic.bytes[kind].received += added.bytes[kind].received;
  }
  record.iterations += iterations;
  record.seconds += MPI_Wtime() - start_seconds_;
}

}  // namespace gridnmf::perf
