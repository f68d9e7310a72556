#pragma once

#include "gridnmf/comm/traffic.hpp"

namespace gridnmf::perf {

// What the iteration loops of this process moved through collectives, how
// many iterations they ran and how long they took, summed over every loop
// since the last reset (restarts add up; a resumed run counts only its own
// iterations), so per-iteration figures exclude set-up and writing.
struct LoopRecord {
  comm::Traffic traffic;
  int iterations = 0;
  double seconds = 0.0;
  // Bytes per iteration of this rank (0 before any iteration).
  comm::Traffic per_iteration_traffic() const;
};

// This process's record, and its reset (for tests that run several loops).
const LoopRecord& loop_record();
void reset_loop_record();

// Snapshots the traffic counters and the clock where an iteration loop
// starts; finish() adds what passed since to loop_record(). Local, no
// communication.
class LoopMeter {
 public:
  LoopMeter();
  // `iterations`: the iterations this loop ran.
  void finish(int iterations);

 private:
  comm::Traffic start_traffic_;
  double start_seconds_;
};

}  // namespace gridnmf::perf
