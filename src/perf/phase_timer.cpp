#include "gridnmf/perf/phase_timer.hpp"

#include <mpi.h>

namespace gridnmf::perf {

double PhaseTimes::communication_seconds() const {
  double sum = 0.0;
  for (const Phase phase : kAllPhases)
    if (is_communication(phase)) sum += seconds(phase);
  return sum;
}

PhaseTimes& phase_times() {
  static PhaseTimes times;
  return times;
}

ScopedPhase::ScopedPhase(Phase phase, PhaseTimes& times)
    : times_(times), phase_(phase), start_(MPI_Wtime()) {}

ScopedPhase::~ScopedPhase() { times_.add(phase_, MPI_Wtime() - start_); }

PhaseClock::PhaseClock(Phase first, PhaseTimes& times) : times_(times) { enter(first); }

void PhaseClock::enter(Phase phase) {
  const double now = MPI_Wtime();
  if (running_) times_.add(current_, now - since_);
  current_ = phase;
  since_ = now;
  running_ = true;
}

void PhaseClock::stop() {
  if (!running_) return;
  times_.add(current_, MPI_Wtime() - since_);
  running_ = false;
}

}  // namespace gridnmf::perf
