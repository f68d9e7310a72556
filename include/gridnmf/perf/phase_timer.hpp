#pragma once

#include <array>

#include "gridnmf/perf/phase.hpp"

namespace gridnmf::perf {

// Seconds spent in each phase on this rank. Plain sums of MPI_Wtime
// differences: timing never synchronises ranks, so a collective's time
// includes waiting for the slowest peer.
class PhaseTimes {
 public:
  void add(Phase phase, double seconds) { seconds_[static_cast<int>(phase)] += seconds; }
  double seconds(Phase phase) const { return seconds_[static_cast<int>(phase)]; }
  double communication_seconds() const;
  void clear() { seconds_.fill(0.0); }

 private:
  std::array<double, kPhaseCount> seconds_{};
};

// This process's accumulator, which the drivers and commands add to.
PhaseTimes& phase_times();

// Adds the lifetime of the object to one phase (COSMA-style RAII timer).
class ScopedPhase {
 public:
  explicit ScopedPhase(Phase phase, PhaseTimes& times = phase_times());
  ~ScopedPhase();
  ScopedPhase(const ScopedPhase&) = delete;
  ScopedPhase& operator=(const ScopedPhase&) = delete;

 private:
  PhaseTimes& times_;
  Phase phase_;
  double start_;
};

// Attributes consecutive stretches of code to phases with one line each:
// enter() closes the running phase and opens the next, stop() (or the
// destructor) closes it. One MPI_Wtime call per switch.
class PhaseClock {
 public:
  explicit PhaseClock(PhaseTimes& times = phase_times()) : times_(times) {}
  explicit PhaseClock(Phase first, PhaseTimes& times = phase_times());
  ~PhaseClock() { stop(); }
  PhaseClock(const PhaseClock&) = delete;
  PhaseClock& operator=(const PhaseClock&) = delete;

  void enter(Phase phase);
  void stop();

 private:
  PhaseTimes& times_;
  Phase current_ = Phase::kGram;
  bool running_ = false;
  double since_ = 0.0;
};

}  // namespace gridnmf::perf
