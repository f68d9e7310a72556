#pragma once

#include <stdexcept>
#include <string>

namespace gridnmf {

// A user-facing failure: the message is one line that names what was wrong.
// Thrown identically on every rank (replicated checks or agree_on_failure), so
// main can report it once and exit cleanly without MPI_Abort.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// A bad command line or option value (exit code 2 rather than 1).
class UsageError : public Error {
 public:
  explicit UsageError(const std::string& message) : Error(message) {}
};

// Exit code of a run stopped by SIGTERM, SIGINT, SIGUSR1 or SIGHUP after it saved its
// checkpoint (if configured) and its current result (EX_TEMPFAIL: rerun with --resume).
constexpr int kExitInterrupted = 75;

// Thrown on every rank once an interrupted run has saved what it had; main
// prints the message (rank 0) and exits with kExitInterrupted. Not an Error:
// nothing went wrong.
class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace gridnmf
