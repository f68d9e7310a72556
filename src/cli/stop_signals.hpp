#pragma once

namespace gridnmf::cli {

// Catches SIGTERM, SIGINT, SIGUSR1 and SIGHUP while alive (install after MPI_Init, so
// MPI's own handlers are not replaced by ours). The first signal only records
// itself: the run stops after the current iteration, on every rank at once (the
// vote rides on the driver's allreduce), saves, and exits with 75. A second
// signal ends the process at once with 128 + signal; files being written are
// temporary names, so the previous checkpoint and result survive.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // The first signal received, or 0.
  static int received();
};

// "SIGTERM", "SIGINT", "SIGUSR1", "SIGHUP" or "a signal".
const char* signal_name(int signo);

}  // namespace gridnmf::cli
