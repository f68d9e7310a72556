#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "gridnmf/algorithms/alternating_driver.hpp"
#include "gridnmf/cli/commands.hpp"
#include "gridnmf/cli/progress.hpp"
#include "gridnmf/cli/run_report.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/init/endmember_selection.hpp"
#include "gridnmf/init/initial_factors.hpp"
#include "gridnmf/io/attributes.hpp"
#include "gridnmf/io/input_check.hpp"
#include "gridnmf/io/matrix_source.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/result_writer.hpp"
#include "gridnmf/io/vector_dataset.hpp"
#include "gridnmf/local/hysime.hpp"
#include "gridnmf/perf/phase_timer.hpp"
#include "gridnmf/unmix/assignment.hpp"
#include "gridnmf/unmix/band_correlation.hpp"
#include "gridnmf/unmix/unmixing_weights.hpp"
#include "checkpointing.hpp"
#include "float32_range.hpp"
#include "memory_need.hpp"
#include "prepared_input.hpp"
#include "stop_signals.hpp"

namespace gridnmf::cli {

namespace {

std::string number(const char* format, double value) {
  char text[48];
  std::snprintf(text, sizeof(text), format, value);
  return text;
}

// The start: k pixels chosen by VCA or SPA as W, H by one NNLS solve with the
// same sum-to-one row; any other --init goes through factorize's dispatch.
template <typename T>
std::pair<LocalMatrix<T>, LocalMatrix<T>> unmixing_start(
    const ProcessGrid& grid, const Distribution& dist, const DataBlock<T>& v_block,
    const UnmixOptions& options, const std::string& init, const UnmixingTerms& terms,
    const io::SourceMetadata& metadata, std::uint64_t seed, const ProgressPrinter& printer) {
  const FactorizeOptions& f = options.factorize;
  if (init != "vca" && init != "spa") {
    return initial_factors<T>(grid, dist, v_block, parse_init(init), f.rank, seed);
  }
  const std::vector<std::int64_t> columns =
      init == "vca" ? vca_select_columns(grid, dist, v_block, f.rank, seed)
                      : spa_select_columns(grid, dist, v_block, f.rank);
  std::string chosen;
  for (const std::int64_t j : columns) {
    chosen += chosen.empty() ? "" : ", ";
    chosen += metadata.image_rows > 0 ? "(" + std::to_string(j % metadata.image_rows) + ", " +
                                            std::to_string(j / metadata.image_rows) + ")"
                                      : std::to_string(j);
  }
  printer.message(init + " chose pixels " +
                  (metadata.image_rows > 0 ? "(row, col) " : "") + chosen);
  LocalMatrix<T> w_own = w_from_columns(grid, dist, v_block, columns);
  LocalMatrix<T> ht_own = nnls_ht(grid, dist, v_block, w_own, Penalty{}, terms.sum_to_one_weight);
  return {std::move(w_own), std::move(ht_own)};
}

// The input's endmember names in the order of W's columns: column e gets the
// name of the reference spectrum (/W_true) it is matched to by the Hungarian
// assignment on the spectral angles. Empty without reference spectra or when
// their number differs from k. Collective over the grid (one allreduce of
// the partial dot products over the W rows each rank owns).
template <typename T>
std::vector<std::string> names_of_columns(const ProcessGrid& grid, const Distribution& dist,
                                          const LocalMatrix<T>& w_own,
                                          const io::SourceMetadata& metadata) {
  const LocalMatrix<double>& reference = metadata.reference_spectra;
  const std::int64_t k = w_own.cols;
  if (reference.cols != k || reference.rows != dist.rows() ||
      static_cast<std::int64_t>(metadata.endmember_names.size()) != k) {
    return {};
  }
  const IndexRange rows = dist.owned_w_rows(grid.row(), grid.col());
  // dots[t * k + e] = <true t, estimate e>, then |true t|^2 and |estimate e|^2.
  std::vector<double> sums(static_cast<std::size_t>(k * k + 2 * k), 0.0);
  for (std::int64_t r = 0; r < rows.size && r < w_own.rows; ++r) {
    for (std::int64_t t = 0; t < k; ++t) {
      const double truth = reference(rows.begin + r, t);
      sums[static_cast<std::size_t>(k * k + t)] += truth * truth;
      for (std::int64_t e = 0; e < k; ++e) {
        sums[static_cast<std::size_t>(t * k + e)] += truth * static_cast<double>(w_own(r, e));
      }
    }
    for (std::int64_t e = 0; e < k; ++e) {
      const double value = w_own(r, e);
      sums[static_cast<std::size_t>(k * k + k + e)] += value * value;
    }
  }
  comm::allreduce_sum(grid.all(), sums.data(), static_cast<std::int64_t>(sums.size()));
  std::vector<double> angles(static_cast<std::size_t>(k * k));
  for (std::int64_t t = 0; t < k; ++t) {
    for (std::int64_t e = 0; e < k; ++e) {
      const double norms = std::sqrt(sums[static_cast<std::size_t>(k * k + t)] *
                                     sums[static_cast<std::size_t>(k * k + k + e)]);
      const double cosine = norms > 0 ? sums[static_cast<std::size_t>(t * k + e)] / norms : 0.0;
      angles[static_cast<std::size_t>(t * k + e)] = std::acos(std::clamp(cosine, -1.0, 1.0));
    }
  }
  const std::vector<int> column = unmix::solve_assignment(angles, static_cast<int>(k));
  std::vector<std::string> names(static_cast<std::size_t>(k));
  for (std::int64_t t = 0; t < k; ++t) {
    names[static_cast<std::size_t>(column[static_cast<std::size_t>(t)])] =
        metadata.endmember_names[static_cast<std::size_t>(t)];
  }
  return names;
}

// Image shape, wavelengths, the endmember names and the absolute unmixing
// weights, added to the factorize layout. Collective.
void write_unmixing_metadata(hid_t file, bool writer, const io::SourceMetadata& metadata,
                             const UnmixingTerms& terms, const unmix::DataScale& scale,
                             const local::HysimeEstimate& subspace, std::int64_t bands,
                             const std::vector<std::string>& column_names) {
  if (metadata.image_rows > 0 && metadata.image_cols > 0) {
    io::write_attribute(file, "image_rows", metadata.image_rows);
    io::write_attribute(file, "image_cols", metadata.image_cols);
  }
  io::write_attribute(file, "sum_to_one_weight", terms.sum_to_one_weight);
  io::write_attribute(file, "volume_weight", terms.volume_weight);
  io::write_attribute(file, "volume_epsilon", terms.volume_epsilon);
  io::write_attribute(file, "sparsity_weight", terms.half_norm_weight);
  io::write_attribute(file, "structured_energy", scale.structured_energy);
  io::write_attribute(file, "structure_share", scale.structure_share);
  io::write_attribute(file, "sparsity_multiplier", scale.sparsity);
  if (scale.pixel_purity >= 0.0) io::write_attribute(file, "pixel_purity", scale.pixel_purity);
  // HySime's estimates, whether or not --endmembers auto used them.
  io::write_attribute(file, "estimated_endmembers", subspace.dimension);
  io::write_attribute(file, "estimated_snr_db", subspace.snr_db());
  io::write_vector_dataset(file, "noise_variance", subspace.noise_variance, writer);
  if (static_cast<std::int64_t>(metadata.wavelengths.size()) == bands) {
    io::write_vector_dataset(file, "wavelengths", metadata.wavelengths, writer);
  }
  if (!metadata.endmember_names.empty()) {
    // The input's reference names in the input's order, as metadata.
    io::write_string_dataset(file, "input_endmember_names", metadata.endmember_names, writer);
    io::Hdf5Handle names(H5Dopen2(file, "input_endmember_names", H5P_DEFAULT), H5Dclose,
                         "cannot open /input_endmember_names");
    io::write_attribute(names.get(), "order", std::string("input"));
  }
  if (!column_names.empty()) {
    // Name e belongs to column e of W (matched by spectral angle to /W_true).
    io::write_string_dataset(file, "endmember_names", column_names, writer);
    io::Hdf5Handle names(H5Dopen2(file, "endmember_names", H5P_DEFAULT), H5Dclose,
                         "cannot open /endmember_names");
    io::write_attribute(names.get(), "order", std::string("columns of W"));
    io::write_attribute(names.get(), "matched_by",
                        std::string("smallest spectral angle to the input's /W_true (Hungarian)"));
  }
}

// Above this many, HySime's dimension is more likely variability and
// band-correlated noise than endmembers (README "unmix"): a warning.
constexpr std::int64_t kPlausibleEndmembers = 10;

// What the per-scene rule measured and chose, in one line (README "unmix").
std::string weights_rule_line(const unmix::RelativeWeights& weights,
                              const unmix::DataScale& scale) {
  std::string line = "weights from the scene: ";
  if (weights.sparsity_auto) {
    line += "pixel purity " + number("%.2f", scale.pixel_purity) +
            " (share of pixels > 0.9 one endmember on the SPA pixels) -> sparsity " +
            number("%.2g", scale.sparsity);
  } else {
    line += "sparsity " + number("%.4g", scale.sparsity) + " as given";
  }
  if (weights.volume > 0.0) {
    line += "; structured residual " +
            (scale.noise_energy > 0.0
                 ? number("%.3g", scale.structured_energy / scale.noise_energy) + " x the noise"
                 : std::string("with no noise")) +
            " -> volume counts " + number("%.2f", scale.structure_share) + " of it";
  }
  return line;
}

// HySime on V V^T: the noise and the signal subspace dimension (the number
// of endmembers), replicated. Collective over grid.all().
template <typename T>
local::HysimeEstimate estimate_subspace(const ProcessGrid& grid, const Distribution& dist,
                                        const DataBlock<T>& v_block) {
  const std::vector<double> correlation = unmix::band_correlation(grid, dist, v_block);
  try {
    return local::hysime(correlation, dist.rows(), dist.cols());
  } catch (const std::runtime_error&) {  // the same R on every rank: the same verdict
    throw Error("HySime failed on the band correlation matrix (non-finite values?); give "
                "--endmembers as a number");
  }
}

template <typename T>
void unmix_in(const ProcessGrid& grid, const Distribution& dist, io::MatrixSource& input,
              UnmixOptions options, const ProgressPrinter& printer, double start_time,
              CheckpointContext checkpoint,
              const std::optional<io::CheckpointHeader>& resume_from) {
  FactorizeOptions& f = options.factorize;
  const IndexRange rows = dist.block_rows(grid.row());
  const IndexRange cols = dist.block_cols(grid.col());
  const std::string where = input.description();
  const io::SourceMetadata metadata = input.metadata();
  perf::PhaseClock clock(perf::Phase::kInputRead);
  DataBlock<T> v_block(input.read_block<T>(rows, cols));
  if constexpr (std::is_same_v<T, float>) {
    refuse_beyond_float32(grid, input, v_block.dense(), rows, cols);
  }
  input.close();
  if (input.ignored_values() > 0) {
    printer.message("read " + std::to_string(input.ignored_values()) +
                    " values equal to the ENVI data ignore value as 0");
  }
  io::check_nonnegative_finite(grid.all(), v_block.dense(), rows, cols, where);
  // The scale goes on W: the abundances sum to one whatever V's scale.
  const PreparedInput prepared =
      prepare_input(grid, v_block, ScaleSplit::kAllOnW, checkpoint, resume_from, printer);
  const MatrixStatistics& stats = prepared.stats;
  if (!(stats.sum_of_squares > 0.0)) {
    throw Error(where + " is all zeros: there is nothing to unmix");
  }

  clock.enter(perf::Phase::kInit);
  const local::HysimeEstimate subspace = estimate_subspace(grid, dist, v_block);
  printer.message("HySime: noise RMS " +
                  number("%.4g", std::sqrt(subspace.noise_power / static_cast<double>(dist.rows()))) +
                  " per band, SNR " + number("%.1f", subspace.snr_db()) +
                  " dB, signal subspace dimension " + std::to_string(subspace.dimension));
  if (subspace.dimension > kPlausibleEndmembers) {
    // Real scenes have more directions above the noise than endmembers
    // (variability, illumination, noise correlated across bands that the
    // band regression takes for signal): samson 74, jasper_ridge 18.
    printer.message("warning: HySime's signal subspace dimension " +
                    std::to_string(subspace.dimension) + " is above " +
                    std::to_string(kPlausibleEndmembers) +
                    ": on real scenes it counts every direction with signal above the noise, "
                    "endmember variability included; treat it as an upper bound" +
                    (options.estimate_endmembers ? " and give --endmembers K" : ""));
  }
  if (options.estimate_endmembers) {
    const std::int64_t largest = std::min(dist.rows(), dist.cols());
    if (subspace.dimension < 1 || subspace.dimension > largest) {
      throw Error("HySime found a signal subspace of dimension " +
                  std::to_string(subspace.dimension) + " in " + where +
                  ", not a usable number of endmembers; give --endmembers as a number");
    }
    f.rank = subspace.dimension;
    printer.message("--endmembers auto: " + std::to_string(f.rank) + " endmembers");
    // HySime is deterministic: a resume estimates what the checkpoint holds,
    // unless the data changed (which the fingerprint check catches first).
    if (resume_from && resume_from->problem.rank != f.rank) {
      throw Error("--endmembers auto found " + std::to_string(f.rank) + " endmembers but the "
                  "checkpoint " + checkpoint.options.path + " holds " +
                  std::to_string(resume_from->problem.rank) + "; resume with --endmembers " +
                  std::to_string(resume_from->problem.rank));
    }
    checkpoint.problem.rank = f.rank;  // the checkpoint records the estimate
  }
  clock.stop();

  // The weights come from V alone (the SVD is seeded), so a resumed run
  // recomputes the same ones.
  clock.enter(perf::Phase::kInit);
  double init_seconds = MPI_Wtime();
  const unmix::DataScale scale =
      unmix::measure_data_scale(grid, dist, v_block, stats, f.rank, options.weights, f.seed,
                                subspace.noise_power * static_cast<double>(dist.cols()));
  SolverSettings solver = scaled_settings(f.solver, prepared.scale);
  solver.unmixing = unmix::absolute_terms(options.weights, scale);
  solver.validate();
  printer.message(weights_rule_line(options.weights, scale));
  printer.message("unmixing terms: sum-to-one delta " +
                  number("%.4g", solver.unmixing.sum_to_one_weight) + ", volume lambda " +
                  number("%.4g", solver.unmixing.volume_weight) + " (structured residual " +
                  number("%.3g", scale.structured_energy / stats.sum_of_squares) +
                  " of ||V||^2), epsilon " + number("%.4g", solver.unmixing.volume_epsilon) +
                  ", L1/2 lambda " + number("%.4g", solver.unmixing.half_norm_weight));
  const double weights_seconds = MPI_Wtime() - init_seconds;
  clock.stop();

  const std::optional<ResumeState> resume =
      resume_from ? std::optional<ResumeState>(resume_from->state) : std::nullopt;
  const int iterations_before = resume ? resume->iterations : 0;
  const DriverControl<T> control = make_driver_control<T>(grid, dist, checkpoint, printer, resume);
  // --restarts: starts with seeds seed, seed + 1, ... under the same weights
  // (measured once, with --seed), so their objectives compare; the lowest is
  // kept. A resume continues the checkpoint's one run.
  // --init auto adds an SPA start to the VCA ones: SPA is the better start
  // on small noisy scenes with few pure pixels, VCA elsewhere, and the lower
  // final objective (same weights, no truth) tells which one this scene is.
  // With --checkpoint, auto is VCA alone (one run to checkpoint).
  std::vector<std::string> inits;
  for (int s = 0; s < (resume_from ? 1 : f.restarts); ++s) {
    inits.push_back(resume_from ? "checkpoint" : f.init == "auto" ? "vca" : f.init);
  }
  if (!resume_from && f.init == "auto" && !checkpoint.options.enabled()) inits.push_back("spa");
  const int starts = static_cast<int>(inits.size());
  std::string kept_init = inits.front();
  Factorization<T> result;
  std::vector<std::int64_t> seeds;
  std::vector<double> objectives;
  std::uint64_t kept_seed = checkpoint.seed;
  for (int start = 0; start < starts; ++start) {
    const std::uint64_t seed = checkpoint.seed + static_cast<std::uint64_t>(start);
    clock.enter(perf::Phase::kInit);
    double start_seconds = MPI_Wtime();
    auto [w_own, ht_own] =
        resume_from ? read_factors_file<T>(grid, dist, checkpoint.options.path, f.rank)
                    : unmixing_start<T>(grid, dist, v_block, options, inits[start],
                                        solver.unmixing, metadata, seed, printer);
    start_seconds = MPI_Wtime() - start_seconds + (start == 0 ? weights_seconds : 0.0);
    clock.stop();
    comm::allreduce_max(grid.all(), &start_seconds, 1);
    printer.message("initialisation: " + number("%.3f", start_seconds) + " s (" +
                    inits[start] +
                    (starts > 1 ? ", restart " + std::to_string(start + 1) + " of " +
                                      std::to_string(starts) + ", seed " + std::to_string(seed)
                                : std::string()) +
                    ")");
    Factorization<T> run = run_alternating_updates<T>(
        grid, dist, v_block, stats, std::move(w_own), std::move(ht_own), solver,
        [&](const IterationRecord& record) { printer.iteration(record); }, control);
    if (starts > 1) {
      printer.message("restart " + std::to_string(start + 1) + ": final objective " +
                      number("%.6e", run.objective));
    }
    seeds.push_back(static_cast<std::int64_t>(seed));
    objectives.push_back(unscaled_objective(run.objective, prepared.scale, solver.loss));
    const bool interrupted = run.stop_reason == StopReason::kInterrupted;
    if (start == 0 || run.objective < result.objective) {  // replicated: every rank agrees
      result = std::move(run);
      kept_seed = seed;
      kept_init = inits[start];
      init_seconds = start_seconds;
    }
    if (interrupted) break;
  }
  if (starts > 1) {
    printer.message("kept the run with seed " + std::to_string(kept_seed) + " (" + kept_init +
                    " start)");
  }
  unscale_result(result, prepared.scale, solver.loss);

  io::RunDescription run;
  run.row_dimension = "band";
  run.rank_dimension = "endmember";
  run.col_dimension = "pixel";
  run.algorithm = to_string(solver.algorithm);
  run.loss = to_string(solver.loss);
  run.precision = to_string(f.precision);
  run.seed = static_cast<std::int64_t>(kept_seed);
  run.init_seconds = init_seconds;
  run.restart_seeds = seeds;
  run.restart_objectives = objectives;
  run.input = f.input;
  run.dataset = f.dataset;
  run.options = options.to_text();
  const std::vector<std::string> column_names =
      names_of_columns(grid, dist, result.w_own, metadata);
  run.write_extra = [&](hid_t file, bool writer) {
    write_unmixing_metadata(file, writer, metadata, solver.unmixing, scale, subspace,
                            dist.rows(), column_names);
    io::write_attribute(file, "start", kept_init);
    if (prepared.scale.scaled()) {
      io::write_attribute(file, "v_scale_exponent",
                          static_cast<std::int64_t>(prepared.scale.exponent));
    }
  };
  run.elapsed_seconds = MPI_Wtime() - start_time;
  comm::allreduce_max(grid.all(), &run.elapsed_seconds, 1);  // attributes must agree
  clock.enter(perf::Phase::kOutputWrite);
  // The report first: a failing report leaves no result (see factorize).
  io::write_result(grid, dist, f.output, run, result, [&] {
    clock.stop();
    write_report_if_requested(f.report, "unmix", grid, dist, solver, result, start_time);
  });

  printer.summary(result.iterations - iterations_before, result.relative_error,
                  result.objective, to_string(result.stop_reason), result.seconds,
                  MPI_Wtime() - start_time, flops_per_iteration(dist, f.rank, solver.loss));
  printer.message("wrote " + f.output);
  if (result.stop_reason == StopReason::kInterrupted) {
    throw interrupted_run(result.iterations, checkpoint.options, f.output);
  }
}

}  // namespace

void run_unmix(const UnmixOptions& options) {
  const double start_time = MPI_Wtime();
  const StopSignals signals;  // after MPI_Init: a signal now stops the run after an iteration
  const FactorizeOptions& f = options.factorize;
  io::silence_hdf5_errors();
  int world_rank = 0, world_size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  const ProgressPrinter printer(world_rank == 0 && !f.quiet, f.print_every,
                                f.solver.stopping.max_iterations,
                                LossScale{f.solver.stopping.tolerance});

  io::check_output_writable(MPI_COMM_WORLD, f.output, "--output");
  if (f.checkpoint.enabled()) {
    io::check_output_writable(MPI_COMM_WORLD, f.checkpoint.path, "--checkpoint");
  }
  if (f.report.enabled()) io::check_output_writable(MPI_COMM_WORLD, f.report.path, "--report");
  refuse_existing_checkpoint(MPI_COMM_WORLD, f.checkpoint);
  perf::PhaseClock opening(perf::Phase::kInputRead);
  io::MatrixSource input = io::MatrixSource::open(MPI_COMM_WORLD, f.input, f.dataset, f.transpose);
  const io::MatrixShape shape = input.shape();
  opening.stop();
  if (input.is_sparse()) {
    throw UsageError(f.input + " holds a sparse matrix; unmix needs a dense scene (bands x "
                     "pixels): use gridnmf factorize for sparse data");
  }
  if (input.pixels_along_rows()) {
    // The scene's own image shape counts the rows: stored pixels x bands.
    const std::int64_t pixels = shape.rows;
    throw Error(input.description() + " is " + std::to_string(shape.rows) + " x " +
                std::to_string(shape.cols) + (input.transposed() ? " after --transpose" : "") +
                " but its rows x cols attributes give " + std::to_string(pixels) +
                " pixels, the number of rows: it holds pixels x bands; " +
                (input.transposed() ? "drop --transpose" : "add --transpose") + " to unmix it as " +
                std::to_string(shape.cols) + " bands x " + std::to_string(pixels) + " pixels");
  }
  if (!options.estimate_endmembers && f.rank > std::min(shape.rows, shape.cols)) {
    throw UsageError("--endmembers " + std::to_string(f.rank) + " exceeds min(bands, pixels) = " +
                     std::to_string(std::min(shape.rows, shape.cols)) + " for the " +
                     std::to_string(shape.rows) + " x " + std::to_string(shape.cols) +
                     " matrix in " + f.input);
  }
  CheckpointContext checkpoint{f.checkpoint, checkpoint_problem(f, shape), f.seed,
                               options.to_text(), std::nullopt};
  checkpoint.problem.orientation = input.transposed() ? "transposed" : "as stored";
  checkpoint.problem.sum_to_one = options.weights.sum_to_one;
  checkpoint.problem.volume = options.weights.volume;
  checkpoint.problem.volume_floor = options.weights.volume_floor;
  checkpoint.problem.volume_epsilon = options.weights.volume_epsilon;
  checkpoint.problem.sparsity = options.sparsity_text();
  std::optional<io::CheckpointHeader> resume_from;
  if (f.checkpoint.resume) {
    resume_from = open_resume_point(MPI_COMM_WORLD, f.checkpoint.path, checkpoint.problem);
    checkpoint.seed = resume_from->seed;
  }
  const GridShape grid_shape =
      f.grid ? *f.grid : choose_grid_shape(shape.rows, shape.cols, world_size);
  ProblemSize size;
  size.rows = shape.rows;
  size.cols = shape.cols;
  size.rank = f.rank;
  size.element_bytes = f.precision == Precision::kFloat32 ? 4 : 8;
  size.grid = f.grid;
  perf::check_memory(MPI_COMM_WORLD,
                     "V " + std::to_string(shape.rows) + " x " + std::to_string(shape.cols) +
                         " (" + to_string(f.precision) + ", " + std::to_string(f.rank) +
                         " endmembers)",
                     [&](int p) { return factorization_need(size, p, world_size); });
  const ProcessGrid grid(MPI_COMM_WORLD, grid_shape);
  const Distribution dist(shape.rows, shape.cols, grid_shape.rows, grid_shape.cols);
  printer.message("gridnmf unmix: V " + std::to_string(shape.rows) + " bands x " +
                  std::to_string(shape.cols) + " pixels, " +
                  (options.estimate_endmembers ? std::string("auto") : std::to_string(f.rank)) +
                  " endmembers, algorithm " + to_string(f.solver.algorithm) + ", init " + f.init +
                  ", " + to_string(f.precision) + ", grid " + grid_shape.to_string() + ", " +
                  std::to_string(world_size) + " ranks");
  if (resume_from) {
    printer.message("resuming from " + f.checkpoint.path + " after iteration " +
                    std::to_string(resume_from->state.iterations) + " (written on grid " +
                    resume_from->grid + ")");
  }
  if (f.precision == Precision::kFloat32) {
    unmix_in<float>(grid, dist, input, options, printer, start_time, checkpoint, resume_from);
  } else {
    unmix_in<double>(grid, dist, input, options, printer, start_time, checkpoint, resume_from);
  }
}

}  // namespace gridnmf::cli
