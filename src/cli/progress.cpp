#include "gridnmf/cli/progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace gridnmf::cli {

namespace {

// "42 s", "7.5 min", "3.2 h".
std::string duration_text(double seconds) {
  char text[32];
  if (seconds < 100) {
    std::snprintf(text, sizeof text, "%.0f s", seconds);
  } else if (seconds < 6000) {
    std::snprintf(text, sizeof text, "%.1f min", seconds / 60);
  } else {
    std::snprintf(text, sizeof text, "%.1f h", seconds / 3600);
  }
  return text;
}

}  // namespace

int automatic_print_every(int max_iterations) {
  return std::max(1, (max_iterations + 39) / 40);
}

void ProgressPrinter::message(const std::string& text) const {
  if (enabled_) std::printf("%s\n", text.c_str());
  if (enabled_) std::fflush(stdout);
}

void ProgressPrinter::iteration(const IterationRecord& record) const {
  // The change the --tol rule sees: |f_prev - f| / f per iteration since the record before.
  const int previous_iteration = last_iteration_;
  if (first_iteration_ < 0 || record.iteration <= last_iteration_) {  // a new run (restarts)
    first_iteration_ = record.iteration;
    first_seconds_ = record.seconds;
    last_change_ = -1.0;
  } else if (record.objective != 0.0) {
    // Per iteration, where the objective was evaluated only every few.
    last_change_ = std::fabs(previous_objective_ - record.objective) /
                   std::fabs(record.objective) / (record.iteration - last_iteration_);
  }
  previous_objective_ = record.objective;
  last_iteration_ = record.iteration;
  if (!enabled_ || every_ == 0) return;
  // Records may skip iterations (dense KL evaluates every tenth): a line for
  // the first record at or past each multiple of every_.
  const bool new_run = first_iteration_ == record.iteration;
  if (record.iteration != 1 &&
      (new_run ? record.iteration % every_ != 0
               : record.iteration / every_ == previous_iteration / every_)) {
    return;
  }
  std::printf("iter %6d", record.iteration);
  if (max_iterations_ > 0) {
    std::printf("/%d (%3.0f%%)", max_iterations_, 100.0 * record.iteration / max_iterations_);
  }
  std::printf("  rel_error %.6e  objective %.6e", record.relative_error, record.objective);
  if (scale_.kl) {
    std::printf("  per_nonzero %.4e  explained_deviance %.4f",
                scale_.nonzeros > 0 ? record.objective / scale_.nonzeros : 0.0,
                scale_.explained_deviance(record.divergence));
  }
  if (last_change_ >= 0) {
    std::printf("  change %.2e", last_change_);
  } else {
    std::printf("  change %8s", "-");
  }
  if (scale_.tolerance > 0) {
    std::printf(" (tol %.0e)", scale_.tolerance);
  } else {
    std::printf(" (tol off)");
  }
  std::printf("  seconds %9.3f", record.seconds);
  const int done = record.iteration - first_iteration_;
  if (max_iterations_ > 0 && done > 0) {
    const double per_iteration = (record.seconds - first_seconds_) / done;
    std::printf("  left <= %s",
                duration_text(per_iteration * std::max(0, max_iterations_ - record.iteration))
                    .c_str());
  }
  std::printf("\n");
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
  if (stop == "max_iterations" && scale_.tolerance > 0 && max_iterations_ > 0) {
    std::printf(
        "note: stopped at --max-iter %d before the objective changed by less than --tol %.0e "
        "(last change %.1e): the result is usable but not converged; try --max-iter %d, a "
        "looser --tol, or --algorithm hals/bpp if you run mu\n",
        max_iterations_, scale_.tolerance, last_change_ < 0 ? 0.0 : last_change_,
        std::max(2 * max_iterations_, 1));
  }
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
