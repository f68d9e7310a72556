#include <mpi.h>

#include <algorithm>

#include "gridnmf/algorithms/alternating_driver.hpp"
#include "gridnmf/cli/commands.hpp"
#include "gridnmf/cli/progress.hpp"
#include "gridnmf/cli/run_report.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/input_check.hpp"
#include "gridnmf/io/matrix_source.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/result_writer.hpp"
#include "gridnmf/perf/phase_timer.hpp"
#include "checkpointing.hpp"
#include "restarts.hpp"
#include "stop_signals.hpp"

namespace gridnmf::cli {

namespace {

template <typename T>
void factorize_in(const ProcessGrid& grid, const Distribution& dist, io::MatrixSource& input,
                  const FactorizeOptions& options, const ProgressPrinter& printer,
                  double start_time, const CheckpointContext& checkpoint,
                  const std::optional<io::CheckpointHeader>& resume_from) {
  const IndexRange rows = dist.block_rows(grid.row());
  const IndexRange cols = dist.block_cols(grid.col());
  const std::string where = input.description();
  perf::PhaseClock clock(perf::Phase::kInputRead);
  const LocalMatrix<T> v_block = input.read_block<T>(rows, cols);
  input.close();
  if (input.ignored_values() > 0) {
    printer.message("read " + std::to_string(input.ignored_values()) +
                    " values equal to the ENVI data ignore value as 0");
  }
  io::check_nonnegative_finite(grid.all(), v_block, rows, cols, where);
  if (options.solver.loss.beta == 0.0) {
    io::check_no_zeros(grid.all(), v_block, rows, cols, where,
                       "--loss itakura-saito needs strictly positive data");
  }
  const MatrixStatistics stats = global_statistics(grid, v_block);
  clock.stop();

  const std::optional<ResumeState> resume =
      resume_from ? std::optional<ResumeState>(resume_from->state) : std::nullopt;
  const int iterations_before = resume ? resume->iterations : 0;
  const DriverControl<T> control = make_driver_control<T>(grid, dist, checkpoint, printer, resume);
  BestOfRestarts<T> runs =
      resume_from ? resume_run<T>(grid, dist, v_block, stats, options, printer, control,
                                  checkpoint.options.path, checkpoint.seed)
                  : run_with_restarts<T>(grid, dist, v_block, stats, options, printer, control);
  const Factorization<T>& result = runs.result;

  io::RunDescription run;
  run.algorithm = to_string(options.solver.algorithm);
  run.loss = to_string(options.solver.loss);
  run.precision = to_string(options.precision);
  run.seed = runs.seed;
  run.init_seconds = runs.init_seconds;
  run.restart_seeds = runs.seeds;
  run.restart_objectives = runs.objectives;
  run.input = options.input;
  run.dataset = options.dataset;
  run.options = options.to_text();
  run.elapsed_seconds = MPI_Wtime() - start_time;
  comm::allreduce_max(grid.all(), &run.elapsed_seconds, 1);  // attributes must agree
  clock.enter(perf::Phase::kOutputWrite);
  // The report is written before the result is renamed into place, so a
  // failing report leaves no result of a run that exits with an error.
  io::write_result(grid, dist, options.output, run, result, [&] {
    clock.stop();
    write_report_if_requested(options.report, "factorize", grid, dist, options.solver, result,
                              start_time);
  });

  printer.summary(result.iterations - iterations_before, result.relative_error,
                  result.objective, to_string(result.stop_reason), result.seconds,
                  MPI_Wtime() - start_time,
                  flops_per_iteration(dist, options.rank, options.solver.loss));
  printer.message("wrote " + options.output);
  if (runs.interrupted) {
    throw interrupted_run(result.iterations, checkpoint.options, options.output);
  }
}

}  // namespace

void run_factorize(const FactorizeOptions& options) {
  const double start_time = MPI_Wtime();
  const StopSignals signals;  // after MPI_Init: a signal now stops the run after an iteration
  io::silence_hdf5_errors();
  int world_rank = 0, world_size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  const ProgressPrinter printer(world_rank == 0 && !options.quiet, options.print_every);

  io::check_output_writable(MPI_COMM_WORLD, options.output, "--output");
  if (options.checkpoint.enabled()) {
    io::check_output_writable(MPI_COMM_WORLD, options.checkpoint.path, "--checkpoint");
  }
  if (options.report.enabled()) {
    io::check_output_writable(MPI_COMM_WORLD, options.report.path, "--report");
  }
  perf::PhaseClock opening(perf::Phase::kInputRead);
  io::MatrixSource input = io::MatrixSource::open(MPI_COMM_WORLD, options.input, options.dataset);
  const io::MatrixShape shape = input.shape();
  opening.stop();
  if (options.rank > std::min(shape.rows, shape.cols)) {
    throw UsageError("--rank " + std::to_string(options.rank) + " exceeds min(m, n) = " +
                     std::to_string(std::min(shape.rows, shape.cols)) + " for the " +
                     std::to_string(shape.rows) + " x " + std::to_string(shape.cols) +
                     " matrix in " + options.input);
  }
  CheckpointContext checkpoint{options.checkpoint, checkpoint_problem(options, shape),
                               options.seed, options.to_text()};
  std::optional<io::CheckpointHeader> resume_from;
  if (options.checkpoint.resume) {
    resume_from = open_resume_point(MPI_COMM_WORLD, options.checkpoint.path, checkpoint.problem);
    checkpoint.seed = resume_from->seed;
  }
  const GridShape grid_shape =
      options.grid ? *options.grid : choose_grid_shape(shape.rows, shape.cols, world_size);
  const ProcessGrid grid(MPI_COMM_WORLD, grid_shape);
  const Distribution dist(shape.rows, shape.cols, grid_shape.rows, grid_shape.cols);
  printer.message("gridnmf: V " + std::to_string(shape.rows) + " x " +
                  std::to_string(shape.cols) + ", rank " + std::to_string(options.rank) +
                  ", algorithm " + to_string(options.solver.algorithm) + ", loss " +
                  to_string(options.solver.loss) + ", " +
                  to_string(options.precision) + ", grid " + grid_shape.to_string() +
                  (options.grid ? " (given)" : " (chosen to minimise communication)") + ", " +
                  std::to_string(world_size) + " ranks");
  if (resume_from) {
    printer.message("resuming from " + options.checkpoint.path + " after iteration " +
                    std::to_string(resume_from->state.iterations) + " (written on grid " +
                    resume_from->grid + ")");
  }

  if (options.precision == Precision::kFloat32) {
    factorize_in<float>(grid, dist, input, options, printer, start_time, checkpoint, resume_from);
  } else {
    factorize_in<double>(grid, dist, input, options, printer, start_time, checkpoint, resume_from);
  }
}

}  // namespace gridnmf::cli
