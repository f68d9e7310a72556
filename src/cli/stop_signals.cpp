#include "stop_signals.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>

namespace gridnmf::cli {

namespace {

volatile std::sig_atomic_t first_signal = 0;
// SIGHUP too: a closed terminal or a lost ssh session must save like SIGTERM.
constexpr int kSignals[] = {SIGTERM, SIGINT, SIGUSR1, SIGHUP};
constexpr int kSignalCount = sizeof(kSignals) / sizeof(kSignals[0]);
struct sigaction previous[kSignalCount];

// Async-signal-safe: a flag write, or _exit.
extern "C" void on_stop_signal(int signo) {
  if (first_signal != 0) _exit(128 + signo);
  first_signal = signo;
}

}  // namespace

StopSignals::StopSignals() {
  struct sigaction action = {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // MPI and file I/O calls carry on after the handler
  for (int i = 0; i < kSignalCount; ++i) sigaction(kSignals[i], &action, &previous[i]);
}

StopSignals::~StopSignals() {
  for (int i = 0; i < kSignalCount; ++i) sigaction(kSignals[i], &previous[i], nullptr);
}

int StopSignals::received() { return first_signal; }

const char* signal_name(int signo) {
  switch (signo) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGUSR1: return "SIGUSR1";
    case SIGHUP: return "SIGHUP";
    default: return "a signal";
  }
}

}  // namespace gridnmf::cli
