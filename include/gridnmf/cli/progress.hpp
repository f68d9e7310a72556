#pragma once

#include <string>

#include "gridnmf/algorithms/alternating_driver.hpp"

namespace gridnmf::cli {

// What makes an objective readable: the tolerance its relative change is
// compared with, and for KL the nonzeros and the mean model's divergence.
struct LossScale {
  double tolerance = 0.0;
  bool kl = false;
  double nonzeros = 0.0;
  double mean_model_divergence = 0.0;  // D(V | r c^T / S), see comm/kl_scale.hpp

  // 1 - D(V | WH) / D(V | mean model); 0 when the mean model fits exactly.
  double explained_deviance(double divergence) const {
    return mean_model_divergence > 0 ? 1.0 - divergence / mean_model_divergence : 0.0;
  }
};

// Prints progress on one rank (rank 0, unless quiet): one line per `every`
// iterations (and the first), each with the share of `max_iterations` done,
// the relative objective change next to `tolerance` and an estimate of the
// time left, then a final summary; a run stopped by max_iterations before
// meeting the tolerance gets one more line saying what to try.
class ProgressPrinter {
 public:
  ProgressPrinter(bool enabled, int every, int max_iterations = 0, LossScale scale = {})
      : enabled_(enabled), every_(every), max_iterations_(max_iterations), scale_(scale) {}

  // The same printer, describing the loss with `scale`.
  ProgressPrinter with_scale(const LossScale& scale) const {
    return ProgressPrinter(enabled_, every_, max_iterations_, scale);
  }

  void message(const std::string& text) const;
  // Called after every recorded iteration; prints every `every`-th (and the
  // first), or where records skip iterations the first record at or past
  // each multiple of `every`, with the relative change of the objective next to --tol and, for KL, the
  // objective per nonzero and the explained deviance.
  void iteration(const IterationRecord& record) const;
  // Iterations, relative error, loop time, GFLOP/s of the counted GEMM work.
  void summary(int iterations, double relative_error, double objective, const std::string& stop,
               double loop_seconds, double total_seconds, double flops_per_iteration) const;
  // KL: what the final divergence means (per nonzero, explained deviance).
  void loss_summary(const IterationRecord& last) const;

 private:
  bool enabled_;
  int every_;
  int max_iterations_;
  LossScale scale_;
  // What the lines need from earlier records.
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
