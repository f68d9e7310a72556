// `gridnmf pca`: principal components of V's columns by the distributed
// truncated SVD, written in the layout of a factorization (/W, /H), so
// `gridnmf images` draws them as it draws NMF's parts.
#include <mpi.h>

#include <cmath>
#include <sstream>

#include "gridnmf/cli/commands.hpp"
#include "gridnmf/cli/progress.hpp"
#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/error.hpp"
#include "gridnmf/grid/grid_shape.hpp"
#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/io/attributes.hpp"
#include "gridnmf/io/factor_io.hpp"
#include "gridnmf/io/hdf5_output.hpp"
#include "gridnmf/io/matrix_source.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/io/vector_dataset.hpp"
#include "gridnmf/linalg/truncated_svd.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/version.hpp"

namespace gridnmf::cli {

namespace {

// Subtracts each row's mean over all columns (the mean image, for V =
// pixels x images) from the block: row sums over the grid row's blocks.
// Returns the means of the block's rows. Collective over the row communicator.
std::vector<double> center_rows(const ProcessGrid& grid, std::int64_t n, LocalMatrix<double>& block) {
  std::vector<double> means(static_cast<std::size_t>(block.rows), 0.0);
  for (std::int64_t r = 0; r < block.rows; ++r) {
    for (std::int64_t c = 0; c < block.cols; ++c) means[r] += block(r, c);
  }
  comm::allreduce_sum(grid.row_comm(), means.data(), block.rows);
  for (std::int64_t r = 0; r < block.rows; ++r) {
    means[r] /= static_cast<double>(n);
    for (std::int64_t c = 0; c < block.cols; ++c) block(r, c) -= means[r];
  }
  return means;
}

// Signs fixed so every component's entries sum to a non-negative number:
// the SVD's signs are arbitrary, and pictures should not flip between runs.
void fix_signs(const ProcessGrid& grid, linalg::TruncatedSvd& svd) {
  const std::int64_t k = svd.u_own.cols;
  std::vector<double> sums(static_cast<std::size_t>(k), 0.0);
  for (std::int64_t i = 0; i < svd.u_own.rows; ++i) {
    for (std::int64_t l = 0; l < k; ++l) sums[l] += svd.u_own(i, l);
  }
  comm::allreduce_sum(grid.all(), sums.data(), k);
  for (std::int64_t l = 0; l < k; ++l) {
    if (sums[l] >= 0) continue;
    for (std::int64_t i = 0; i < svd.u_own.rows; ++i) svd.u_own(i, l) = -svd.u_own(i, l);
    for (std::int64_t j = 0; j < svd.v_own.rows; ++j) svd.v_own(j, l) = -svd.v_own(j, l);
  }
}

}  // namespace

void run_pca(const PcaOptions& options) {
  io::silence_hdf5_errors();
  int world_rank = 0, world_size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &world_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world_size);
  const ProgressPrinter printer(world_rank == 0 && !options.quiet, 0);
  io::check_output_writable(MPI_COMM_WORLD, options.output, "--output");
  io::MatrixSource source = io::MatrixSource::open(MPI_COMM_WORLD, options.input, options.dataset);
  if (source.is_sparse()) {
    throw UsageError("gridnmf pca reads dense input only ('" + options.input + "' is sparse)");
  }
  const io::MatrixShape shape = source.shape();
  const std::int64_t k = options.rank;
  if (k > std::min(shape.rows, shape.cols)) {
    throw UsageError("--rank " + std::to_string(k) + " exceeds min(m, n) = " +
                     std::to_string(std::min(shape.rows, shape.cols)) + " of " + options.input);
  }
  const GridShape grid_shape = choose_grid_shape(shape.rows, shape.cols, world_size);
  const ProcessGrid grid(MPI_COMM_WORLD, grid_shape);
  const Distribution dist(shape.rows, shape.cols, grid_shape.rows, grid_shape.cols);
  LocalMatrix<double> block = source.read_block<double>(dist.block_rows(grid.row()),
                                                        dist.block_cols(grid.col()));
  source.close();
  const double start = MPI_Wtime();
  double v_squares = 0.0;  // of V itself, the scale NMF's relative error uses
  for (const double value : block.values) v_squares += value * value;
  comm::allreduce_sum(grid.all(), &v_squares, 1);
  const std::vector<double> means =
      options.center ? center_rows(grid, shape.cols, block) : std::vector<double>();
  double squares = 0.0;
  for (const double value : block.values) squares += value * value;
  comm::allreduce_sum(grid.all(), &squares, 1);

  linalg::SvdSettings settings;
  settings.power_iterations = options.power_iterations;
  settings.seed = options.seed;
  const DataBlock<double> v_block(std::move(block));
  linalg::TruncatedSvd svd = linalg::truncated_svd(grid, dist, v_block, k, settings);
  fix_signs(grid, svd);
  // H = S V^T: the scores, so W H is the rank-k approximation.
  LocalMatrix<double> ht_own = svd.v_own;
  for (std::int64_t j = 0; j < ht_own.rows; ++j) {
    for (std::int64_t l = 0; l < k; ++l) ht_own(j, l) *= svd.values[l];
  }
  double captured = 0.0;
  for (const double value : svd.values) captured += value * value;
  // ||Vc - U S V^T||^2 = ||Vc||^2 - sum s^2 for the exact SVD (Vc: V
  // centred, or V). Relative to ||V||, as NMF's error is, and to ||Vc||.
  const double residual = std::max(squares - captured, 0.0);
  const double relative_error = v_squares > 0 ? std::sqrt(residual / v_squares) : 0.0;
  const double relative_error_centred = squares > 0 ? std::sqrt(residual / squares) : 0.0;
  const double seconds = MPI_Wtime() - start;

  // The mean column, in the owned W rows' layout (it belongs to the rows).
  const IndexRange owned_rows = dist.owned_w_rows(grid.row(), grid.col());
  LocalMatrix<double> mean_own(owned_rows.size, 1);
  if (options.center) {
    const std::int64_t offset = owned_rows.begin - dist.block_rows(grid.row()).begin;
    for (std::int64_t i = 0; i < owned_rows.size; ++i) mean_own(i, 0) = means[offset + i];
  }

  io::Hdf5Output output;
  output.path = options.output;
  output.what = "principal components";
  output.payload_bytes = (shape.rows + shape.cols + 1) * k * 8;
  io::write_hdf5_output(grid.all(), output, [&](hid_t file) {
    io::Hdf5Handle w = io::create_matrix_dataset<double>(file, "W", shape.rows, k);
    io::write_w_rows(w.get(), owned_rows, svd.u_own);
    io::Hdf5Handle h = io::create_matrix_dataset<double>(file, "H", k, shape.cols);
    io::write_h_cols(h.get(), dist.owned_h_cols(grid.row(), grid.col()), ht_own);
    if (options.center) {
      io::Hdf5Handle mean = io::create_matrix_dataset<double>(file, "mean", shape.rows, 1);
      io::write_w_rows(mean.get(), owned_rows, mean_own);
    }
    io::write_vector_dataset(file, "singular_values", svd.values, grid.rank() == 0);
    io::write_attribute(file, "algorithm", std::string("pca (randomized truncated SVD)"));
    io::write_attribute(file, "rank", k);
    io::write_attribute(file, "centered", static_cast<std::int64_t>(options.center ? 1 : 0));
    io::write_attribute(file, "relative_error", relative_error);
    io::write_attribute(file, "relative_error_of_centred", relative_error_centred);
    io::write_attribute(file, "power_iterations", static_cast<std::int64_t>(options.power_iterations));
    io::write_attribute(file, "seed", static_cast<std::int64_t>(options.seed));
    io::write_attribute(file, "grid", grid_shape.to_string());
    io::write_attribute(file, "elapsed_seconds", seconds);
    io::write_attribute(file, "input", options.input);
    io::write_attribute(file, "dataset", options.dataset);
    io::write_attribute(file, "gridnmf_version", std::string(kVersion));
  });
  std::ostringstream text;
  text.precision(4);
  text << "pca: " << k << " components of " << shape.rows << " x " << shape.cols
       << (options.center ? " (columns centred)" : " (not centred)")
       << ", relative error ||V - mean - W H|| / ||V|| " << relative_error
       << (options.center ? " (/ ||V - mean||: " + std::to_string(relative_error_centred) + ")"
                          : std::string())
       << ", " << seconds << " s on grid " << grid_shape.to_string()
       << "; wrote " << options.output;
  printer.message(text.str());
}

}  // namespace gridnmf::cli
