#pragma once

#include <optional>
#include <string>

#include "gridnmf/algorithms/alternating_driver.hpp"
#include "gridnmf/cli/progress.hpp"
#include "gridnmf/comm/factor_order.hpp"
#include "gridnmf/config/checkpoint_options.hpp"
#include "gridnmf/config/factorize_options.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/checkpoint.hpp"
#include "gridnmf/io/matrix_reader.hpp"

namespace gridnmf::cli {

// The problem record of a factorize-style run on the matrix `shape` (unmix
// adds its weights). Pure.
io::CheckpointProblem checkpoint_problem(const FactorizeOptions& options,
                                         const io::MatrixShape& shape);

// Opens the --resume checkpoint and checks it belongs to `current`: Error if
// it is missing or unreadable, UsageError naming the option that differs.
// Cheap (attributes and history only), so a run fails before reading V.
// Collective over `comm`.
io::CheckpointHeader open_resume_point(MPI_Comm comm, const std::string& path,
                                       const io::CheckpointProblem& current);

// Everything a checkpoint records about the run besides the iterate.
struct CheckpointContext {
  CheckpointOptions options;
  io::CheckpointProblem problem;
  std::uint64_t seed = 0;
  std::string options_text;
  // The factors are written in the input's order; the run holds them in this
  // order (a permuted sparse input), set before make_driver_control.
  std::optional<comm::InputOrder> order;
};

// The error that ends a run stopped by a signal (exit code 75): which signal,
// the last iteration, the files written and how to continue. Replicated.
Interrupted interrupted_run(int iterations, const CheckpointOptions& checkpoint,
                            const std::string& output);

// The driver control of a run: stop votes from StopSignals; a checkpoint
// written after every --checkpoint-every-th iteration, when
// --checkpoint-interval seconds passed since the last write (on the driver's
// replicated clock, so every rank decides alike), and when the run stops
// without converging (signal, --time-limit, --max-iter) so it can be
// continued. Collective decisions only: every rank calls the writer together.
template <typename T>
DriverControl<T> make_driver_control(const ProcessGrid& grid, const Distribution& dist,
                                     const CheckpointContext& context,
                                     const ProgressPrinter& printer,
                                     std::optional<ResumeState> resume);

}  // namespace gridnmf::cli
