#include "gridnmf/cli/progress.hpp"

#include <cmath>
#include <cstdio>

namespace gridnmf::cli {

void ProgressPrinter::message(const std::string& text) const {
  if (enabled_) std::printf("%s\n", text.c_str());
  if (enabled_) std::fflush(stdout);
}

void ProgressPrinter::iteration(const IterationRecord& record) const {
  // The change the --tol rule sees: |f_prev - f| / f, from the iteration before.
  const bool has_previous = previous_iteration_ == record.iteration - 1;
  const double change = has_previous && record.objective != 0.0
                            ? std::abs(previous_objective_ - record.objective) / record.objective
                            : 0.0;
  previous_objective_ = record.objective;
  previous_iteration_ = record.iteration;
  if (!enabled_ || every_ == 0) return;
  if (record.iteration != 1 && record.iteration % every_ != 0) return;
  std::printf("iter %6d  rel_error %.6e  objective %.6e", record.iteration,
              record.relative_error, record.objective);
  if (scale_.kl) {
    std::printf("  per_nonzero %.4e  explained_deviance %.4f",
                scale_.nonzeros > 0 ? record.objective / scale_.nonzeros : 0.0,
                scale_.explained_deviance(record.divergence));
  }
  if (has_previous) {
    std::printf("  change %.2e", change);
  } else {
    std::printf("  change %8s", "-");
  }
  std::printf(" (tol %.0e)  seconds %9.3f\n", scale_.tolerance, record.seconds);
  std::fflush(stdout);
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

void ProgressPrinter::loss_summary(const IterationRecord& last) const {
  if (!enabled_ || !scale_.kl) return;
  std::printf(
      "KL divergence %.6e: %.4e per nonzero (%.0f nonzeros); explained deviance %.4f "
      "(1 - D(V|WH) / D(V|mean model), D(V|mean model) = %.6e)\n",
      last.divergence, scale_.nonzeros > 0 ? last.divergence / scale_.nonzeros : 0.0,
      scale_.nonzeros, scale_.explained_deviance(last.divergence),
      scale_.mean_model_divergence);
  std::fflush(stdout);
}

}  // namespace gridnmf::cli
