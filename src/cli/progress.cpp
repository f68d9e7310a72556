#include "gridnmf/cli/progress.hpp"

#include <cstdio>

namespace gridnmf::cli {

void ProgressPrinter::message(const std::string& text) const {
  if (enabled_) std::printf("%s\n", text.c_str());
  if (enabled_) std::fflush(stdout);
}

void ProgressPrinter::iteration(const IterationRecord& record) const {
  if (!enabled_ || every_ == 0) return;
  if (record.iteration == 1 || record.iteration % every_ == 0) {
    std::printf("iter %6d  rel_error %.6e  objective %.6e  seconds %9.3f\n", record.iteration,
                record.relative_error, record.objective, record.seconds);
    std::fflush(stdout);
  }
}

void ProgressPrinter::summary(int iterations, double relative_error, double objective,
                              const std::string& stop, double loop_seconds, double total_seconds,
                              double flops_per_iteration) const {
  if (!enabled_) return;
  const double gflops =
      loop_seconds > 0 ? flops_per_iteration * iterations / loop_seconds / 1e9 : 0.0;
  std::printf(
      "done: %d iterations (stopped by %s), relative error %.6e, objective %.6e, "
      "%.3f s in iterations (%.4f s/iter, %.2f GFLOP/s), %.3f s in total\n",
      iterations, stop.c_str(), relative_error, objective, loop_seconds,
      iterations > 0 ? loop_seconds / iterations : 0.0, gflops, total_seconds);
  std::fflush(stdout);
}

}  // namespace gridnmf::cli
