#pragma once

#include "gridnmf/algorithms/alternating_driver.hpp"

namespace gridnmf::cli {

// Prints progress on one rank (rank 0, unless quiet): one line per `every`
// iterations and a final summary.
class ProgressPrinter {
 public:
  ProgressPrinter(bool enabled, int every) : enabled_(enabled), every_(every) {}

  void message(const std::string& text) const;
  void iteration(const IterationRecord& record) const;
  // Iterations, relative error, loop time, GFLOP/s of the counted GEMM work.
  void summary(int iterations, double relative_error, double objective, const std::string& stop,
               double loop_seconds, double total_seconds, double flops_per_iteration) const;

 private:
  bool enabled_;
  int every_;
};

}  // namespace gridnmf::cli
