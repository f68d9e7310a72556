#include "checkpointing.hpp"

#include <mpi.h>

#include <filesystem>
#include <memory>

#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/factor_io.hpp"
#include "gridnmf/io/input_check.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/path_checks.hpp"
#include "gridnmf/perf/phase_timer.hpp"
#include "stop_signals.hpp"

namespace gridnmf::cli {

io::CheckpointProblem checkpoint_problem(const FactorizeOptions& options,
                                         const io::MatrixShape& shape) {
  io::CheckpointProblem problem;
  problem.input = options.input;
  problem.dataset = options.dataset;
  problem.rows = shape.rows;
  problem.cols = shape.cols;
  problem.rank = options.rank;
  problem.algorithm = to_string(options.solver.algorithm);
  problem.loss = to_string(options.solver.loss);
  problem.precision = to_string(options.precision);
  problem.l1_w = options.solver.penalty_w.l1;
  problem.l2_w = options.solver.penalty_w.l2;
  problem.l1_h = options.solver.penalty_h.l1;
  problem.l2_h = options.solver.penalty_h.l2;
  problem.normalize = to_string(options.normalize);
  problem.fix_w = options.fix_w;
  problem.sparseness_w = options.solver.sparseness.w;
  problem.sparseness_h = options.solver.sparseness.h;
  return problem;
}

io::CheckpointHeader open_resume_point(MPI_Comm comm, const std::string& path,
                                       const io::CheckpointProblem& current) {
  comm::agree_on_failure(comm, [&] {
    io::check_input_file(path, "--checkpoint");
    std::error_code missing;
    if (!std::filesystem::exists(path, missing)) {
      throw Error("--resume: checkpoint '" + path +
                  "' does not exist (start without --resume to create it)");
    }
  });
  io::Hdf5Handle file = io::open_parallel_file(comm, path);
  io::CheckpointHeader header = io::read_checkpoint_header(comm, file.get(), path);
  io::check_same_problem(header.problem, current, path);
  return header;
}

Interrupted interrupted_run(int iterations, const CheckpointOptions& checkpoint,
                            const std::string& output) {
  const int signo = StopSignals::received();
  return Interrupted(std::string("stopped by ") +
                     (signo != 0 ? signal_name(signo) : "a signal on another rank") +
                     " after iteration " + std::to_string(iterations) + "; wrote " +
                     (checkpoint.enabled() ? "checkpoint " + checkpoint.path + " and "
                                           : std::string()) +
                     "result " + output +
                     (checkpoint.enabled() ? "; rerun with --resume to continue" : "") +
                     " (exit code 75)");
}

template <typename T>
DriverControl<T> make_driver_control(const ProcessGrid& grid, const Distribution& dist,
                                     const CheckpointContext& context,
                                     const ProgressPrinter& printer,
                                     std::optional<ResumeState> resume) {
  DriverControl<T> control;
  control.stop_requested = [] { return StopSignals::received() != 0; };
  control.resume = std::move(resume);
  if (!context.options.enabled()) return control;
  auto last_write = std::make_shared<double>(0.0);  // loop seconds at the last write
  control.after_iteration = [&grid, &dist, &printer, context,
                             last_write](const IterationSnapshot<T>& snapshot) {
    const CheckpointOptions& options = context.options;
    const bool due =
        (options.every > 0 && snapshot.iteration % options.every == 0) ||
        (options.interval_seconds > 0 &&
         snapshot.elapsed - *last_write >= options.interval_seconds) ||
        (snapshot.stop && !is_converged(*snapshot.stop));
    if (!due) return;
    const double started = MPI_Wtime();
    const perf::ScopedPhase phase(perf::Phase::kCheckpoint);
    if (context.order && !context.order->is_identity()) {
      const LocalMatrix<T> w = comm::reorder_w_rows(grid, dist, context.order->rows,
                                                    comm::OrderDirection::kToInput, snapshot.w_own);
      const LocalMatrix<T> ht = comm::reorder_h_cols(
          grid, dist, context.order->cols, comm::OrderDirection::kToInput, snapshot.ht_own);
      io::write_checkpoint(grid, dist, options.path, context.problem, context.seed,
                           context.options_text,
                           IterationSnapshot<T>{snapshot.iteration, snapshot.elapsed,
                                                snapshot.stop, w, ht, snapshot.history,
                                                snapshot.optimizer});
    } else {
      io::write_checkpoint(grid, dist, options.path, context.problem, context.seed,
                           context.options_text, snapshot);
    }
    *last_write = snapshot.elapsed;
    printer.message("checkpoint: iteration " + std::to_string(snapshot.iteration) + " -> " +
                    options.path + " (" + std::to_string(MPI_Wtime() - started) + " s)");
  };
  return control;
}

#define GRIDNMF_INSTANTIATE_CHECKPOINTING(T)                                                \
  template DriverControl<T> make_driver_control<T>(const ProcessGrid&, const Distribution&, \
                                                   const CheckpointContext&,                \
                                                   const ProgressPrinter&,                  \
                                                   std::optional<ResumeState>);
GRIDNMF_INSTANTIATE_CHECKPOINTING(double)
GRIDNMF_INSTANTIATE_CHECKPOINTING(float)
#undef GRIDNMF_INSTANTIATE_CHECKPOINTING

}  // namespace gridnmf::cli
