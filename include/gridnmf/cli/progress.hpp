#pragma once

#include <string>

#include "gridnmf/algorithms/alternating_driver.hpp"

namespace gridnmf::cli {

// Prints progress on one rank (rank 0, unless quiet): one line per `every`
// iterations (and the first), each with the share of `max_iterations` done,
// the relative objective change next to `tolerance` and an estimate of the
// time left, then a final summary; a run stopped by max_iterations before
// meeting the tolerance gets one more line saying what to try.
class ProgressPrinter {
 public:
  ProgressPrinter(bool enabled, int every, int max_iterations = 0, double tolerance = 0.0)
      : enabled_(enabled), every_(every), max_iterations_(max_iterations), tolerance_(tolerance) {}

  void message(const std::string& text) const;
  void iteration(const IterationRecord& record) const;
  // Iterations, relative error, loop time, GFLOP/s of the counted GEMM work.
  void summary(int iterations, double relative_error, double objective, const std::string& stop,
               double loop_seconds, double total_seconds, double flops_per_iteration) const;

 private:
  bool enabled_;
  int every_;
  int max_iterations_;
  double tolerance_;
  // What the lines need from earlier iterations (this printer sees every one).
  mutable double previous_objective_ = 0.0;
  mutable double last_change_ = -1.0;
  mutable int first_iteration_ = -1;
  mutable int last_iteration_ = 0;
  mutable double first_seconds_ = 0.0;
};

// The default --print-every for a run of at most `max_iterations`: about 40
// progress lines per run.
int automatic_print_every(int max_iterations);

}  // namespace gridnmf::cli
