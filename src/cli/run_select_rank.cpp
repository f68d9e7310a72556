#include <mpi.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "gridnmf/algorithms/alternating_driver.hpp"
#include "gridnmf/cli/commands.hpp"
#include "gridnmf/cli/progress.hpp"
#include "gridnmf/comm/agreement.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/comm/component_cosines.hpp"
#include "gridnmf/comm/factor_order.hpp"
#include "gridnmf/local/sparse_products.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/init/initial_factors.hpp"
#include "gridnmf/io/input_check.hpp"
#include "gridnmf/io/matrix_source.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/png_file.hpp"
#include "gridnmf/io/rank_table_file.hpp"
#include "gridnmf/io/sweep_cells.hpp"
#include "gridnmf/picture/rank_sweep_picture.hpp"
#include "gridnmf/selection/rank_table.hpp"
#include "missing_entries.hpp"
#include "missing_pattern.hpp"
#include "restarts.hpp"

namespace gridnmf::cli {

namespace {

// This rank's rows of W (its own rows, internal order) in double: what the
// stability of a k needs from each replicate.
template <typename T>
LocalMatrix<double> rows_in_double(const LocalMatrix<T>& w_own) {
  LocalMatrix<double> w(w_own.rows, w_own.cols);
  std::copy(w_own.values.begin(), w_own.values.end(), w.values.begin());
  return w;
}

// The whole W (m x k, the input's row order) on rank 0 only, from every
// rank's own rows, to be written into the cell; empty elsewhere. Collective
// over grid.all().
LocalMatrix<double> whole_w_on_root(const ProcessGrid& grid, const Distribution& dist,
                                    const comm::InputOrder& order,
                                    const LocalMatrix<double>& w_own) {
  const IndexRange own = dist.owned_w_rows(grid.row(), grid.col());
  std::vector<std::int64_t> input_rows(static_cast<size_t>(own.size));
  for (std::int64_t r = 0; r < own.size; ++r) input_rows[r] = order.rows.inverse(own.begin + r);
  const std::vector<double> values =
      comm::gather_rows_to_root(grid.all(), w_own.data(), own.size, w_own.cols);
  const std::vector<std::int64_t> rows =
      comm::gather_rows_to_root(grid.all(), input_rows.data(), own.size, std::int64_t{1});
  if (grid.rank() != 0) return LocalMatrix<double>();
  LocalMatrix<double> w(dist.rows(), w_own.cols);
  for (size_t i = 0; i < rows.size(); ++i) {
    std::copy_n(values.begin() + static_cast<std::ptrdiff_t>(i) * w.cols, w.cols,
                w.values.begin() + rows[i] * w.cols);
  }
  return w;
}

// This rank's rows of a finished cell's W, read back from its file (a sweep
// resumed within a k), as rows_in_double gave them. Collective over grid.all().
LocalMatrix<double> own_rows_from_cell(const ProcessGrid& grid, const Distribution& dist,
                                       const comm::InputOrder& order, const io::SweepCells& cells,
                                       std::int64_t k, int replicate) {
  const IndexRange own = dist.owned_w_rows(grid.row(), grid.col());
  LocalMatrix<double> w(own.size, k);
  comm::agree_on_failure(grid.all(), [&] {
    cells.for_each_w_row(k, replicate, [&](std::int64_t row, const double* values) {
      const std::int64_t internal = order.rows.forward(row);
      if (internal >= own.begin && internal < own.end()) {
        std::copy_n(values, k, w.values.begin() + (internal - own.begin) * k);
      }
    });
  });
  return w;
}

// One (k, replicate) cell: replicate r starts from seed + r and holds out the
// mask of holdout-seed + r, the same masks for every k. Returns the cell's
// record and this rank's rows of its W. Collective over grid.all().
template <typename T>
std::pair<selection::SweepCell, LocalMatrix<double>> run_cell(
    const ProcessGrid& grid, const Distribution& dist, const DataBlock<T>& v_block,
    const comm::InputOrder& order, const SelectRankOptions& options, std::int64_t k,
    int replicate) {
  const FactorizeOptions& f = options.factorize;
  SolverSettings settings = f.solver;
  settings.mask.holdout_seed = f.solver.mask.holdout_seed + static_cast<std::uint64_t>(replicate);
  if (!order.is_identity()) {  // the held-out mask is defined on the input's indices
    settings.mask.input_row = [&order](std::int64_t i) { return order.rows.inverse(i); };
    settings.mask.input_col = [&order](std::int64_t j) { return order.cols.inverse(j); };
    settings.mask.internal_col = [&order](std::int64_t j) { return order.cols.forward(j); };
  }
  auto [w_own, ht_own] = initial_factors<T>(grid, dist, v_block, InitChoice{}, k,
                                            f.seed + static_cast<std::uint64_t>(replicate));
  // Drawn by global index: the same start as an unpermuted run.
  comm::reorder_factors(grid, dist, order, comm::OrderDirection::kToInternal, w_own, ht_own);
  const MatrixStatistics no_statistics;  // the masked driver counts the observed entries itself
  const Factorization<T> result = run_alternating_updates<T>(
      grid, dist, v_block, no_statistics, std::move(w_own), std::move(ht_own), settings);
  selection::SweepCell cell;
  cell.k = k;
  cell.replicate = replicate;
  cell.train_error = result.relative_error;
  cell.heldout_error = result.heldout_error;
  cell.objective = result.objective;
  cell.iterations = result.iterations;
  return {cell, rows_in_double(result.w_own)};
}

std::string table_line(const selection::RankRow& row, bool recommended) {
  return number_text("%4.0f", static_cast<double>(row.k)) + "  " +
         number_text("%.4e", row.train_mean) + "  " + number_text("%.4e", row.heldout_mean) +
         " +- " + number_text("%.2e", row.heldout_se) + "  " + number_text("%.3f", row.stability) +
         (recommended ? "  <- recommended" : "");
}

// Reads every cell of the sweep, summarizes, recommends and writes the
// table; prints it. Collective over MPI_COMM_WORLD (rank 0 works, all agree).
void finish_table(const SelectRankOptions& options, const ProgressPrinter& printer) {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  std::vector<selection::RankRow> rows;
  selection::Recommendation recommendation;
  comm::agree_on_failure(MPI_COMM_WORLD, [&] {
    if (rank != 0) return;
    const io::SweepCells cells_dir(options.sweep_dir);
    const std::string fingerprint = options.cell_fingerprint();
    std::vector<selection::SweepCell> cells;
    for (const std::int64_t k : options.ranks) {
      for (int r = 0; r < options.replicates; ++r) {
        if (!cells_dir.has(k, r)) {
          throw UsageError("--sweep-dir '" + options.sweep_dir + "' has no cell k = " +
                           std::to_string(k) + ", replicate " + std::to_string(r) +
                           "; run the sweep for it (without --table-only)");
        }
        cells.push_back(cells_dir.read(k, r, fingerprint));
      }
    }
    rows = selection::summarize(cells);
    recommendation = selection::recommend_rank(rows, options.min_stability);
    io::write_rank_table(options.factorize.output, options.csv_path(), rows, cells,
                         {options.replicates, options.min_stability,
                          options.factorize.solver.mask.holdout_fraction,
                          options.cell_fingerprint(), recommendation});
    const picture::Raster curves = picture::draw_rank_sweep(rows, recommendation.k);
    io::write_png_rgb(options.png_path(), curves.width, curves.height, curves.pixels,
                      "--output (its .png)");
  });
  printer.message("   k  train error  held-out error (mean +- se)  stability");
  for (const selection::RankRow& row : rows) {
    printer.message(table_line(row, row.k == recommendation.k));
  }
  printer.message(recommendation.rule);
  printer.message("wrote " + options.factorize.output + ", " + options.csv_path() + " and " +
                  options.png_path());
}

// This rank's block of V, dense or sparse, read once for the whole sweep and
// checked like factorize's. Collective over grid.all().
template <typename T>
DataBlock<T> read_once(const ProcessGrid& grid, const Distribution& dist, io::MatrixSource& input,
                       const comm::InputOrder& order, const FactorizeOptions& f,
                       const ProgressPrinter& printer) {
  if (input.is_sparse()) {
    io::SparseReadReport report;
    const std::int64_t panel_cols = local::sparse_panel_columns(
        dist.block_rows(0).size, dist.block_cols(0).size, input.stored_nonzeros() / grid.size(),
        f.rank, sizeof(T));
    SparseBlock<T> block = input.read_sparse_block<T>(
        {&dist, false, order, panel_cols, f.missing_nan}, report);
    if (f.missing_nan) report_missing_entries(grid, block, printer);
    input.close();
    DataBlock<T> v(std::move(block));
    if (!f.missing_pattern.empty()) {
      apply_missing_pattern(grid, dist, order, f.missing_pattern, f.transpose, v, printer);
    }
    return v;
  }
  const IndexRange rows = dist.block_rows(grid.row());
  const IndexRange cols = dist.block_cols(grid.col());
  LocalMatrix<T> block = input.read_block<T>(rows, cols);
  if (f.missing_nan) mark_missing_entries(grid, block, printer);
  io::check_nonnegative_finite(grid.all(), block, rows, cols, input.description());
  input.close();
  DataBlock<T> v(std::move(block));
  if (!f.missing_pattern.empty()) {
    apply_missing_pattern(grid, dist, order, f.missing_pattern, f.transpose, v, printer);
  }
  return v;
}

template <typename T>
void sweep_in(const ProcessGrid& grid, const Distribution& dist, io::MatrixSource& input,
              const SelectRankOptions& options, const ProgressPrinter& printer) {
  const FactorizeOptions& f = options.factorize;
  // Sparse input is read permuted (--balance), seeded by --seed.
  const comm::InputOrder order =
      input.is_sparse() && f.permute_sparse
          ? comm::InputOrder{IndexPermutation::random(dist.rows(), f.seed),
                             IndexPermutation::random(dist.cols(), f.seed + 1)}
          : comm::InputOrder::identity(dist.rows(), dist.cols());
  const DataBlock<T> v_block = read_once<T>(grid, dist, input, order, f, printer);

  const io::SweepCells cells(options.sweep_dir);
  const std::string fingerprint = options.cell_fingerprint();
  int rank = 0;
  MPI_Comm_rank(grid.all(), &rank);
  comm::agree_on_failure(grid.all(), [&] {
    if (rank == 0) cells.create_directory();
  });
  const int total = static_cast<int>(options.ranks.size()) * options.replicates;
  int done = 0;
  for (const std::int64_t k : options.ranks) {
    // This rank's rows of each replicate's W (the stability's input), kept
    // from this run or read back from the cell when a later replicate needs them.
    std::vector<LocalMatrix<double>> own_w(static_cast<size_t>(options.replicates));
    std::vector<bool> have_own_w(own_w.size(), false);
    for (int r = 0; r < options.replicates; ++r) {
      ++done;
      std::int64_t finished = 0;  // decided on rank 0, shared: every rank skips alike
      comm::agree_on_failure(grid.all(), [&] {
        if (rank == 0 && cells.has(k, r)) {
          cells.read(k, r, fingerprint);  // refuses a cell of other options now
          finished = 1;
        }
      });
      comm::broadcast(grid.all(), &finished, 1);
      const std::string which = "k = " + std::to_string(k) + ", replicate " +
                                std::to_string(r + 1) + " of " +
                                std::to_string(options.replicates) + " (cell " +
                                std::to_string(done) + " of " + std::to_string(total) + ")";
      if (finished) {
        printer.message(which + ": already in " + options.sweep_dir);
        continue;
      }
      const double start = MPI_Wtime();
      auto [cell, w_rows] = run_cell(grid, dist, v_block, order, options, k, r);
      own_w[r] = std::move(w_rows);
      have_own_w[r] = true;
      for (int earlier = 0; earlier < r; ++earlier) {
        if (!have_own_w[earlier]) {
          own_w[earlier] = own_rows_from_cell(grid, dist, order, cells, k, earlier);
          have_own_w[earlier] = true;
        }
        cell.matched_cosines.push_back(selection::matched_cosine(
            comm::column_cosines(grid.all(), own_w[earlier], own_w[r]), k));
      }
      const LocalMatrix<double> whole_w = whole_w_on_root(grid, dist, order, own_w[r]);
      comm::agree_on_failure(grid.all(), [&] {
        if (rank == 0) cells.write(cell, whole_w, fingerprint);
      });
      printer.message(which + ": train error " + number_text("%.4e", cell.train_error) +
                      ", held-out error " + number_text("%.4e", cell.heldout_error) + ", " +
                      std::to_string(cell.iterations) + " iterations, " +
                      number_text("%.2f", MPI_Wtime() - start) + " s");
    }
  }
}

}  // namespace

void run_select_rank(const SelectRankOptions& options) {
  io::silence_hdf5_errors();
  int world_rank = 0, world_size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  const FactorizeOptions& f = options.factorize;
  const ProgressPrinter printer(world_rank == 0 && !f.quiet, 0);
  if (!options.cells_only) {
    io::check_output_writable(MPI_COMM_WORLD, f.output, "--output");
    io::check_output_writable(MPI_COMM_WORLD, options.csv_path(), "--output (its .csv)");
    io::check_output_writable(MPI_COMM_WORLD, options.png_path(), "--output (its .png)");
  }
  if (!options.table_only) {
    io::MatrixSource input = io::MatrixSource::open(MPI_COMM_WORLD, f.input, f.dataset, f.transpose);
    const io::MatrixShape shape = input.shape();
    const std::int64_t largest = options.ranks.back();
    if (largest > std::min(shape.rows, shape.cols)) {
      throw UsageError("--ranks goes up to " + std::to_string(largest) + ", beyond min(m, n) = " +
                       std::to_string(std::min(shape.rows, shape.cols)) + " of " + f.input);
    }
    const GridShape grid_shape =
        f.grid ? *f.grid : choose_grid_shape(shape.rows, shape.cols, world_size);
    const ProcessGrid grid(MPI_COMM_WORLD, grid_shape);
    const Distribution dist(shape.rows, shape.cols, grid_shape.rows, grid_shape.cols);
    printer.message("gridnmf select-rank: V " + std::to_string(shape.rows) + " x " +
                    std::to_string(shape.cols) + ", k = " +
                    std::to_string(options.ranks.front()) + " .. " + std::to_string(largest) +
                    " (" + std::to_string(options.ranks.size()) + " ranks) x " +
                    std::to_string(options.replicates) + " replicates, algorithm " +
                    to_string(f.solver.algorithm) + ", loss " + to_string(f.solver.loss) +
                    ", holdout " + number_text("%g", f.solver.mask.holdout_fraction) + ", " +
                    to_string(f.precision) + ", grid " + grid_shape.to_string());
    if (f.precision == Precision::kFloat32) {
      sweep_in<float>(grid, dist, input, options, printer);
    } else {
      sweep_in<double>(grid, dist, input, options, printer);
    }
  }
  if (options.cells_only) {
    printer.message("cells of k = " + std::to_string(options.ranks.front()) + " .. " +
                    std::to_string(options.ranks.back()) + " are in " + options.sweep_dir +
                    " (--cells-only: no table)");
    return;
  }
  finish_table(options, printer);
}

}  // namespace gridnmf::cli
