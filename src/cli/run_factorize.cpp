#include <mpi.h>

#include <algorithm>

#include "gridnmf/algorithms/alternating_driver.hpp"
#include "gridnmf/cli/commands.hpp"
#include "gridnmf/cli/progress.hpp"
#include "gridnmf/cli/run_report.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/comm/factor_order.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/input_check.hpp"
#include "gridnmf/io/matrix_source.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/result_writer.hpp"
#include "gridnmf/local/sparse_products.hpp"
#include "gridnmf/perf/phase_timer.hpp"
#include "checkpointing.hpp"
#include "restarts.hpp"
#include "stop_signals.hpp"

namespace gridnmf::cli {

namespace {

double max_over_mean(const std::vector<std::int64_t>& counts) {
  double total = 0.0, largest = 0.0;
  for (const std::int64_t count : counts) {
    total += static_cast<double>(count);
    largest = std::max(largest, static_cast<double>(count));
  }
  return total > 0 ? largest * static_cast<double>(counts.size()) / total : 1.0;
}

// This rank's sparse block, read in `order`, with the balance the report
// states; prints what the read found. Collective over grid.all().
template <typename T>
DataBlock<T> read_sparse_input(const ProcessGrid& grid, const Distribution& dist,
                               io::MatrixSource& input, const comm::InputOrder& order,
                               const FactorizeOptions& options, const ProgressPrinter& printer,
                               perf::SparseInputFacts& facts) {
  io::SparseReadReport report;
  const std::int64_t expected_nonzeros = input.stored_nonzeros() / grid.size();
  const std::int64_t panel_cols = local::sparse_panel_columns(
      dist.block_rows(0).size, dist.block_cols(0).size, expected_nonzeros, options.rank,
      sizeof(T));
  SparseBlock<T> block = input.read_sparse_block<T>({&dist, false, order, panel_cols}, report);
  std::int64_t sizes[2] = {block.nonzeros(), block.bytes()};
  comm::allreduce_sum(grid.all(), sizes, 1);
  comm::allreduce_max(grid.all(), sizes + 1, 1);
  facts.nonzeros = sizes[0];
  facts.permuted = !order.is_identity();
  facts.imbalance = max_over_mean(report.nonzeros_per_rank);
  facts.unpermuted_imbalance = max_over_mean(report.unpermuted_nonzeros_per_rank);
  facts.max_block_bytes = sizes[1];
  if (facts.nonzeros == 0) {
    throw Error(input.description() + " holds only zeros: there is nothing to factorize");
  }
  if (report.duplicates_summed > 0 || report.zeros_dropped > 0) {
    printer.message("summed " + std::to_string(report.duplicates_summed) +
                    " duplicate entries and dropped " + std::to_string(report.zeros_dropped) +
                    " stored zeros");
  }
  printer.message("sparse blocks: " + std::to_string(facts.nonzeros) +
                  " nonzeros, max/mean per rank " + number_text("%.3f", facts.imbalance) +
                  (facts.permuted ? " (" + number_text("%.3f", facts.unpermuted_imbalance) +
                                        " without the row/column permutation)"
                                  : " (not permuted: --balance none)"));
  return DataBlock<T>(std::move(block));
}

// This rank's dense block, checked like every input. Collective over grid.all().
template <typename T>
DataBlock<T> read_dense_input(const ProcessGrid& grid, const Distribution& dist,
                              io::MatrixSource& input, const FactorizeOptions& options,
                              const ProgressPrinter& printer) {
  const IndexRange rows = dist.block_rows(grid.row());
  const IndexRange cols = dist.block_cols(grid.col());
  const std::string where = input.description();
  LocalMatrix<T> block = input.read_block<T>(rows, cols);
  if (input.ignored_values() > 0) {
    printer.message("read " + std::to_string(input.ignored_values()) +
                    " values equal to the ENVI data ignore value as 0");
  }
  io::check_nonnegative_finite(grid.all(), block, rows, cols, where);
  if (options.solver.loss.beta == 0.0) {
    io::check_no_zeros(grid.all(), block, rows, cols, where,
                       "--loss itakura-saito needs strictly positive data");
  }
  return DataBlock<T>(std::move(block));
}

template <typename T>
void factorize_in(const ProcessGrid& grid, const Distribution& dist, io::MatrixSource& input,
                  const FactorizeOptions& options, const ProgressPrinter& printer,
                  double start_time, CheckpointContext checkpoint,
                  const std::optional<io::CheckpointHeader>& resume_from) {
  perf::PhaseClock clock(perf::Phase::kInputRead);
  // Sparse input is read permuted (seeded by the run's seed, so a resumed run
  // reads it alike); the factors live in that order until they are written.
  const comm::InputOrder order =
      input.is_sparse() && options.permute_sparse
          ? comm::InputOrder{IndexPermutation::random(dist.rows(), checkpoint.seed),
                             IndexPermutation::random(dist.cols(), checkpoint.seed + 1)}
          : comm::InputOrder::identity(dist.rows(), dist.cols());
  perf::SparseInputFacts sparse_facts;
  const DataBlock<T> v_block =
      input.is_sparse()
          ? read_sparse_input<T>(grid, dist, input, order, options, printer, sparse_facts)
          : read_dense_input<T>(grid, dist, input, options, printer);
  input.close();
  const MatrixStatistics stats = global_statistics(grid, v_block);
  clock.stop();
  checkpoint.order = order;

  const std::optional<ResumeState> resume =
      resume_from ? std::optional<ResumeState>(resume_from->state) : std::nullopt;
  const int iterations_before = resume ? resume->iterations : 0;
  const DriverControl<T> control = make_driver_control<T>(grid, dist, checkpoint, printer, resume);
  BestOfRestarts<T> runs =
      resume_from ? resume_run<T>(grid, dist, v_block, stats, options, printer, control,
                                  checkpoint.options.path, checkpoint.seed, order)
                  : run_with_restarts<T>(grid, dist, v_block, stats, options, printer, control,
                                         order);
  Factorization<T>& result = runs.result;
  comm::reorder_factors(grid, dist, order, comm::OrderDirection::kToInput, result.w_own,
                        result.ht_own);

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
  run.row_names = input.metadata().row_names;
  run.col_names = input.metadata().col_names;
  run.elapsed_seconds = MPI_Wtime() - start_time;
  comm::allreduce_max(grid.all(), &run.elapsed_seconds, 1);  // attributes must agree
  clock.enter(perf::Phase::kOutputWrite);
  // The report is written before the result is renamed into place, so a
  // failing report leaves no result of a run that exits with an error.
  io::write_result(grid, dist, options.output, run, result, [&] {
    clock.stop();
    write_report_if_requested(options.report, "factorize", grid, dist, options.solver, result,
                              start_time, sparse_facts);
  });

  printer.summary(result.iterations - iterations_before, result.relative_error,
                  result.objective, to_string(result.stop_reason), result.seconds,
                  MPI_Wtime() - start_time,
                  flops_per_iteration(dist, options.rank, options.solver.loss,
                                      sparse_facts.nonzeros));
  printer.message("wrote " + options.output);
  if (runs.interrupted) {
    throw interrupted_run(result.iterations, checkpoint.options, options.output);
  }
}

// What sparse input cannot do, refused before it is read. Replicated.
void check_sparse_options(const FactorizeOptions& options) {
  const Loss& loss = options.solver.loss;
  if (!loss.is_frobenius() && loss.beta != 1.0) {
    throw UsageError("--loss " + to_string(loss) +
                     " is not supported on sparse input (its zeros need the dense W H); use "
                     "--loss frobenius or kullback-leibler");
  }
  if (parse_init(options.init).method == InitMethod::kSpa) {
    throw UsageError("--init spa needs dense input (it picks columns of V); use random or nndsvd");
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
  const ProgressPrinter printer(world_rank == 0 && !options.quiet, options.print_every,
                                options.solver.stopping.max_iterations,
                                options.solver.stopping.tolerance);

  io::check_output_writable(MPI_COMM_WORLD, options.output, "--output");
  if (options.checkpoint.enabled()) {
    io::check_output_writable(MPI_COMM_WORLD, options.checkpoint.path, "--checkpoint");
  }
  if (options.report.enabled()) {
    io::check_output_writable(MPI_COMM_WORLD, options.report.path, "--report");
  }
  perf::PhaseClock opening(perf::Phase::kInputRead);
  io::MatrixSource input =
      io::MatrixSource::open(MPI_COMM_WORLD, options.input, options.dataset, options.transpose);
  const io::MatrixShape shape = input.shape();
  opening.stop();
  if (input.is_sparse()) check_sparse_options(options);
  if (options.rank > std::min(shape.rows, shape.cols)) {
    throw UsageError("--rank " + std::to_string(options.rank) + " exceeds min(m, n) = " +
                     std::to_string(std::min(shape.rows, shape.cols)) + " for the " +
                     std::to_string(shape.rows) + " x " + std::to_string(shape.cols) +
                     " matrix in " + options.input);
  }
  CheckpointContext checkpoint{options.checkpoint, checkpoint_problem(options, shape),
                               options.seed, options.to_text(), std::nullopt};
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
                  std::to_string(shape.cols) + " (" + input.kind() +
                  (input.transposed() ? ", transpose of the stored matrix" : "") +
                  "), rank " + std::to_string(options.rank) +
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
