#include <mpi.h>

#include <algorithm>
#include <sstream>
#include <type_traits>

#include "gridnmf/algorithms/alternating_driver.hpp"
#include "gridnmf/cli/commands.hpp"
#include "gridnmf/cli/progress.hpp"
#include "gridnmf/cli/run_report.hpp"
#include "gridnmf/comm/block_normalization.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/comm/factor_order.hpp"
#include "gridnmf/comm/kl_scale.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/io/attributes.hpp"
#include "gridnmf/io/input_check.hpp"
#include "gridnmf/io/matrix_source.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/result_writer.hpp"
#include "gridnmf/local/sparse_products.hpp"
#include "gridnmf/perf/phase_timer.hpp"
#include "checkpointing.hpp"
#include "fixed_w.hpp"
#include "float32_range.hpp"
#include "memory_need.hpp"
#include "missing_entries.hpp"
#include "missing_pattern.hpp"
#include "prepared_input.hpp"
#include "restarts.hpp"
#include "stop_signals.hpp"

namespace gridnmf::cli {

namespace {

// ", sparseness-w 0.7 (Hoyer, projected gradient)" for the first line; empty when off.
std::string sparseness_note(const SparsenessConstraint& sparseness) {
  if (!sparseness.active()) return "";
  std::ostringstream text;
  text << " with";
  if (sparseness.w > 0) text << " sparseness-w " << sparseness.w;
  if (sparseness.h > 0) text << " sparseness-h " << sparseness.h;
  text << " (Hoyer's projected gradient on the constrained factors)";
  return text.str();
}

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
  SparseBlock<T> block = input.read_sparse_block<T>(
      {&dist, false, order, panel_cols, options.missing_nan}, report);
  if (options.missing_nan) report_missing_entries(grid, block, printer);
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
  if (options.missing_nan) mark_missing_entries(grid, block, printer);
  if (input.ignored_values() > 0) {
    printer.message("read " + std::to_string(input.ignored_values()) +
                    " values equal to the ENVI data ignore value as 0");
  }
  if constexpr (std::is_same_v<T, float>) refuse_beyond_float32(grid, input, block, rows, cols);
  io::check_nonnegative_finite(grid.all(), block, rows, cols, where);
  if (options.solver.loss.beta == 0.0) {
    io::check_no_zeros(grid.all(), block, rows, cols, where,
                       "--loss itakura-saito needs strictly positive data");
  }
  return DataBlock<T>(std::move(block));
}

// Applies --normalize to the block just read and says what it did.
// Collective over grid.all().
template <typename T>
comm::NormalizationRecord normalize_input(const ProcessGrid& grid, const Distribution& dist,
                                          const comm::InputOrder& order, Normalization kind,
                                          DataBlock<T>& v_block, const ProgressPrinter& printer,
                                          const std::vector<double>* given_idf = nullptr) {
  comm::NormalizationRecord record =
      comm::normalize_block(grid, dist, order, kind, v_block, given_idf);
  if (kind == Normalization::kNone) return record;
  std::string what = "normalised V: " + to_string(kind);
  if (kind == Normalization::kTfidf) {
    what += given_idf ? " (idf of the model's training columns)"
                      : " (idf over " + std::to_string(dist.cols()) + " columns)";
    if (record.zeros_dropped > 0) {
      what += "; " + std::to_string(record.zeros_dropped) +
              " entries of rows present in every column became 0 and were dropped";
    }
  }
  printer.message(what);
  return record;
}

// The root attributes of a masked run: what was left out and the held-out error.
template <typename T>
void add_mask_attributes(const MaskSettings& mask, const Factorization<T>& result,
                         io::RunDescription& run) {
  run.extra_attributes.push_back({"observed_entries", result.observed_entries});
  run.extra_attributes.push_back({"missing_entries", result.missing_entries});
  run.extra_attributes.push_back({"heldout_entries", result.heldout_entries});
  run.extra_attributes.push_back({"holdout_fraction", mask.holdout_fraction});
  run.extra_attributes.push_back({"holdout_seed", static_cast<double>(mask.holdout_seed)});
  if (mask.holdout_fraction > 0.0) {
    run.extra_attributes.push_back({"heldout_relative_error", result.heldout_error});
  }
}

template <typename T>
void factorize_in(const ProcessGrid& grid, const Distribution& dist, io::MatrixSource& input,
                  const FactorizeOptions& options, const ProgressPrinter& input_printer,
                  double start_time, CheckpointContext checkpoint,
                  const std::optional<io::CheckpointHeader>& resume_from,
                  const std::optional<FixedWFile>& fixed) {
  perf::PhaseClock clock(perf::Phase::kInputRead);
  // Sparse input is read permuted (seeded by the run's seed, so a resumed run
  // reads it alike); the factors live in that order until they are written.
  const comm::InputOrder order =
      input.is_sparse() && options.permute_sparse
          ? comm::InputOrder{IndexPermutation::random(dist.rows(), checkpoint.seed),
                             IndexPermutation::random(dist.cols(), checkpoint.seed + 1)}
          : comm::InputOrder::identity(dist.rows(), dist.cols());
  perf::SparseInputFacts sparse_facts;
  DataBlock<T> v_block =
      input.is_sparse()
          ? read_sparse_input<T>(grid, dist, input, order, options, input_printer, sparse_facts)
          : read_dense_input<T>(grid, dist, input, options, input_printer);
  input.close();
  if (!options.missing_pattern.empty()) {
    apply_missing_pattern(grid, dist, order, options.missing_pattern, options.transpose, v_block,
                          input_printer);
  }
  // A fixed W learned on tf-idf weights keeps its corpus's idf.
  const bool model_idf = fixed && options.normalize == Normalization::kTfidf && !fixed->idf.empty();
  const comm::NormalizationRecord normalization =
      normalize_input(grid, dist, order, options.normalize, v_block, input_printer,
                      model_idf ? &fixed->idf : nullptr);
  sparse_facts.nonzeros -= normalization.zeros_dropped;
  // Statistics, the exact power-of-two scale and the resume fingerprint of
  // the normalised V.
  const PreparedInput prepared =
      prepare_input(grid, v_block, ScaleSplit::kEven, checkpoint, resume_from, input_printer);
  const MatrixStatistics& stats = prepared.stats;
  if (!(stats.sum_of_squares > 0.0)) {
    throw Error(input.description() + " holds only zeros" +
                (options.normalize == Normalization::kNone
                     ? std::string()
                     : " after --normalize " + to_string(options.normalize)) +
                ": there is nothing to factorize");
  }
  FactorizeOptions scaled = options;  // the same problem on the scaled V
  scaled.solver = scaled_settings(options.solver, prepared.scale);
  if (!order.is_identity()) {  // the held-out mask is defined on the input's indices
    scaled.solver.mask.input_row = [&order](std::int64_t i) { return order.rows.inverse(i); };
    scaled.solver.mask.input_col = [&order](std::int64_t j) { return order.cols.inverse(j); };
    scaled.solver.mask.internal_col = [&order](std::int64_t j) { return order.cols.forward(j); };
  }
  clock.stop();
  checkpoint.order = order;
  LossScale scale;
  scale.tolerance = options.solver.stopping.tolerance;
  std::optional<comm::KlScale> kl;
  if (options.solver.loss.beta == 1.0) {
    kl = comm::kl_scale(grid, v_block);
    scale.kl = true;
    scale.nonzeros = static_cast<double>(kl->nonzeros);
    scale.mean_model_divergence = kl->mean_model_divergence;
  }
  const ProgressPrinter printer = input_printer.with_scale(scale);

  const std::optional<ResumeState> resume =
      resume_from ? std::optional<ResumeState>(resume_from->state) : std::nullopt;
  const int iterations_before = resume ? resume->iterations : 0;
  const DriverControl<T> control = make_driver_control<T>(grid, dist, checkpoint, printer, resume);
  std::optional<LocalMatrix<T>> fixed_w_own;
  if (fixed) {
    fixed_w_own = read_fixed_w<T>(grid, dist, *fixed, order);
    LocalMatrix<T> no_h;  // only W is given: it takes W's share of V's scale
    scale_factors(*fixed_w_own, no_h, prepared.scale);
    printer.message("W fixed from " + fixed->path + " (" + std::to_string(fixed->rows) + " x " +
                    std::to_string(fixed->k) + "): only H is updated");
  }
  BestOfRestarts<T> runs =
      resume_from ? resume_run<T>(grid, dist, v_block, stats, scaled, printer, control,
                                  checkpoint.options.path, checkpoint.seed, order)
                  : run_with_restarts<T>(grid, dist, v_block, stats, scaled, printer, control,
                                         order, prepared.scale,
                                         fixed_w_own ? &*fixed_w_own : nullptr);
  Factorization<T>& result = runs.result;
  unscale_result(result, prepared.scale, options.solver.loss);
  for (double& objective : runs.objectives) {
    objective = unscaled_objective(objective, prepared.scale, options.solver.loss);
  }
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
  run.normalization = to_string(normalization.kind);
  run.row_idf = normalization.idf;
  run.row_names = input.metadata().row_names;
  run.col_names = input.metadata().col_names;
  if (prepared.scale.scaled()) {
    run.write_extra = [&](hid_t file, bool) {
      io::write_attribute(file, "v_scale_exponent",
                          static_cast<std::int64_t>(prepared.scale.exponent));
    };
  }
  if (kl && !result.history.empty()) {
    // The history is back in V's own units; the mean model was measured on
    // the scaled V.
    LossScale original = scale;
    original.mean_model_divergence =
        unscaled_objective(kl->mean_model_divergence, prepared.scale, options.solver.loss);
    const double divergence = result.history.back().divergence;
    run.extra_attributes = {
        {"mean_model_divergence", original.mean_model_divergence},
        {"explained_deviance", original.explained_deviance(divergence)},
        {"objective_per_nonzero", result.objective / static_cast<double>(kl->nonzeros)}};
  }
  if (options.solver.sparseness.active()) {
    run.extra_attributes.push_back({"sparseness_w", options.solver.sparseness.w});
    run.extra_attributes.push_back({"sparseness_h", options.solver.sparseness.h});
  }
  if (options.solver.mask.active()) add_mask_attributes(options.solver.mask, result, run);
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
  if (!result.history.empty()) printer.loss_summary(result.history.back());
  if (options.solver.mask.holdout_fraction > 0.0) {
    printer.message("held-out error (relative, on " +
                    std::to_string(static_cast<std::int64_t>(result.heldout_entries)) +
                    " held-out entries): " + number_text("%.6e", result.heldout_error));
  }
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

// Refuses a problem whose V block and factors do not fit in the memory of
// each rank, before they are allocated. Collective over `comm`.
void check_memory_for(MPI_Comm comm, const FactorizeOptions& options,
                      const io::MatrixShape& shape, const io::MatrixSource& input) {
  ProblemSize size;
  size.rows = shape.rows;
  size.cols = shape.cols;
  size.rank = options.rank;
  size.element_bytes = options.precision == Precision::kFloat32 ? 4 : 8;
  size.nonzeros = input.is_sparse() ? input.stored_nonzeros() : -1;
  size.grid = options.grid;
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  perf::check_memory(comm,
                     "V " + std::to_string(shape.rows) + " x " + std::to_string(shape.cols) +
                         " (" + to_string(options.precision) + ", rank " +
                         std::to_string(options.rank) + ")",
                     [&](int p) { return factorization_need(size, p, ranks); });
}

}  // namespace

void run_factorize(const FactorizeOptions& given) {
  const double start_time = MPI_Wtime();
  const StopSignals signals;  // after MPI_Init: a signal now stops the run after an iteration
  io::silence_hdf5_errors();
  int world_rank = 0, world_size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  const ProgressPrinter printer(world_rank == 0 && !given.quiet, given.print_every,
                                given.solver.stopping.max_iterations,
                                LossScale{given.solver.stopping.tolerance});

  io::check_output_writable(MPI_COMM_WORLD, given.output, "--output");
  if (given.checkpoint.enabled()) {
    io::check_output_writable(MPI_COMM_WORLD, given.checkpoint.path, "--checkpoint");
  }
  if (given.report.enabled()) {
    io::check_output_writable(MPI_COMM_WORLD, given.report.path, "--report");
  }
  refuse_existing_checkpoint(MPI_COMM_WORLD, given.checkpoint);
  perf::PhaseClock opening(perf::Phase::kInputRead);
  io::MatrixSource input =
      io::MatrixSource::open(MPI_COMM_WORLD, given.input, given.dataset, given.transpose);
  const io::MatrixShape shape = input.shape();
  opening.stop();
  FactorizeOptions options = given;
  std::optional<FixedWFile> fixed;
  if (!options.fix_w.empty()) {
    fixed = read_fixed_w_file(MPI_COMM_WORLD, options.fix_w, options.fix_w_option);
    check_rows_match(*fixed, shape, input.metadata().row_names, options.input,
                     options.fix_w_option);
    if (options.rank == 0) options.rank = fixed->k;
    if (options.rank != fixed->k) {
      throw UsageError("--rank " + std::to_string(options.rank) + " differs from the k = " +
                       std::to_string(fixed->k) + " columns of W in --fix-w " + options.fix_w +
                       "; drop --rank to use the file's");
    }
  }
  if (input.is_sparse()) check_sparse_options(options);
  if (options.rank > std::min(shape.rows, shape.cols)) {
    throw UsageError("--rank " + std::to_string(options.rank) + " exceeds min(m, n) = " +
                     std::to_string(std::min(shape.rows, shape.cols)) + " for the " +
                     std::to_string(shape.rows) + " x " + std::to_string(shape.cols) +
                     " matrix in " + options.input);
  }
  CheckpointContext checkpoint{options.checkpoint, checkpoint_problem(options, shape),
                               options.seed, options.to_text(), std::nullopt};
  checkpoint.problem.orientation = input.transposed() ? "transposed" : "as stored";
  std::optional<io::CheckpointHeader> resume_from;
  if (options.checkpoint.resume) {
    resume_from = open_resume_point(MPI_COMM_WORLD, options.checkpoint.path, checkpoint.problem);
    checkpoint.seed = resume_from->seed;
  }
  const GridShape grid_shape =
      options.grid ? *options.grid : choose_grid_shape(shape.rows, shape.cols, world_size);
  check_memory_for(MPI_COMM_WORLD, options, shape, input);
  const ProcessGrid grid(MPI_COMM_WORLD, grid_shape);
  const Distribution dist(shape.rows, shape.cols, grid_shape.rows, grid_shape.cols);
  printer.message("gridnmf: V " + std::to_string(shape.rows) + " x " +
                  std::to_string(shape.cols) + " (" + input.kind() +
                  (input.transposed() ? ", transpose of the stored matrix" : "") +
                  "), rank " + std::to_string(options.rank) +
                  ", algorithm " + to_string(options.solver.algorithm) +
                  sparseness_note(options.solver.sparseness) + ", loss " +
                  to_string(options.solver.loss) + ", " +
                  to_string(options.precision) + ", grid " + grid_shape.to_string() +
                  (options.grid ? " (given)" : " (chosen to minimise communication)") + ", " +
                  std::to_string(world_size) + " ranks");
  for (const std::string& note : input.metadata().notes) printer.message(note);
  if (resume_from) {
    printer.message("resuming from " + options.checkpoint.path + " after iteration " +
                    std::to_string(resume_from->state.iterations) + " (written on grid " +
                    resume_from->grid + ")");
  }

  if (options.precision == Precision::kFloat32) {
    factorize_in<float>(grid, dist, input, options, printer, start_time, checkpoint, resume_from,
                        fixed);
  } else {
    factorize_in<double>(grid, dist, input, options, printer, start_time, checkpoint, resume_from,
                         fixed);
  }
}

}  // namespace gridnmf::cli
