#include <mpi.h>

#include <algorithm>

#include "gridnmf/algorithms/alternating_driver.hpp"
#include "gridnmf/cli/commands.hpp"
#include "gridnmf/cli/progress.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/init/random_init.hpp"
#include "gridnmf/io/factor_io.hpp"
#include "gridnmf/io/input_check.hpp"
#include "gridnmf/io/matrix_source.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/result_writer.hpp"

namespace gridnmf::cli {

namespace {

// The starting W and H pieces this rank owns: random, or read from a file.
template <typename T>
std::pair<LocalMatrix<T>, LocalMatrix<T>> initial_factors(const ProcessGrid& grid,
                                                          const Distribution& dist,
                                                          const FactorizeOptions& options,
                                                          const MatrixStatistics& stats) {
  const IndexRange w_rows = dist.owned_w_rows(grid.row(), grid.col());
  const IndexRange h_cols = dist.owned_h_cols(grid.row(), grid.col());
  const std::int64_t k = options.rank;
  const std::string path = options.init_file();
  if (path.empty()) {
    const double mean = stats.sum / (static_cast<double>(dist.rows()) * dist.cols());
    const double scale = random_init_scale(mean, k);
    return {random_w_rows<T>(w_rows, k, options.seed, scale),
            random_ht_cols<T>(h_cols, k, options.seed, scale)};
  }
  io::Hdf5Handle file = io::open_parallel_file(grid.all(), path);
  auto w = io::read_w_rows<T>(grid.all(), file.get(), path, "W", dist.rows(), k, w_rows);
  auto ht = io::read_h_cols<T>(grid.all(), file.get(), path, "H", k, dist.cols(), h_cols);
  io::check_nonnegative_finite(grid.all(), w, w_rows, IndexRange{0, k}, path + ":/W");
  io::check_nonnegative_finite(grid.all(), transposed(ht), IndexRange{0, k}, h_cols,
                               path + ":/H");
  return {std::move(w), std::move(ht)};
}

template <typename T>
void factorize_in(const ProcessGrid& grid, const Distribution& dist, io::MatrixSource& input,
                  const FactorizeOptions& options, const ProgressPrinter& printer,
                  double start_time) {
  const IndexRange rows = dist.block_rows(grid.row());
  const IndexRange cols = dist.block_cols(grid.col());
  const std::string where = input.description();
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

  auto [w_own, ht_own] = initial_factors<T>(grid, dist, options, stats);
  const Factorization<T> result = run_alternating_updates<T>(
      grid, dist, v_block, stats, std::move(w_own), std::move(ht_own), options.solver,
      [&](const IterationRecord& record) { printer.iteration(record); });

  io::RunDescription run;
  run.algorithm = to_string(options.solver.algorithm);
  run.loss = to_string(options.solver.loss);
  run.precision = to_string(options.precision);
  run.seed = static_cast<std::int64_t>(options.seed);
  run.input = options.input;
  run.dataset = options.dataset;
  run.options = options.to_text();
  run.elapsed_seconds = MPI_Wtime() - start_time;
  comm::allreduce_max(grid.all(), &run.elapsed_seconds, 1);  // attributes must agree
  io::write_result(grid, dist, options.output, run, result);

  printer.summary(result.iterations, result.relative_error, result.objective,
                  to_string(result.stop_reason), result.seconds, MPI_Wtime() - start_time,
                  flops_per_iteration(dist, options.rank, options.solver.loss));
  printer.message("wrote " + options.output);
}

}  // namespace

void run_factorize(const FactorizeOptions& options) {
  const double start_time = MPI_Wtime();
  io::silence_hdf5_errors();
  int world_rank = 0, world_size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  const ProgressPrinter printer(world_rank == 0 && !options.quiet, options.print_every);

  io::check_output_writable(MPI_COMM_WORLD, options.output, "--output");
  io::MatrixSource input = io::MatrixSource::open(MPI_COMM_WORLD, options.input, options.dataset);
  const io::MatrixShape shape = input.shape();
  if (options.rank > std::min(shape.rows, shape.cols)) {
    throw UsageError("--rank " + std::to_string(options.rank) + " exceeds min(m, n) = " +
                     std::to_string(std::min(shape.rows, shape.cols)) + " for the " +
                     std::to_string(shape.rows) + " x " + std::to_string(shape.cols) +
                     " matrix in " + options.input);
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

  if (options.precision == Precision::kFloat32) {
    factorize_in<float>(grid, dist, input, options, printer, start_time);
  } else {
    factorize_in<double>(grid, dist, input, options, printer, start_time);
  }
}

}  // namespace gridnmf::cli
