#include <mpi.h>

#include "gridnmf/cli/commands.hpp"
#include "gridnmf/cli/progress.hpp"
#include "gridnmf/generate/synthetic_matrix.hpp"
#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/io/attributes.hpp"
#include "gridnmf/io/factor_io.hpp"
#include "gridnmf/io/hdf5_output.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/matrix/distribution.hpp"
#include "gridnmf/perf/memory_budget.hpp"
#include "gridnmf/version.hpp"
#include "memory_need.hpp"

namespace gridnmf::cli {

namespace {

template <typename T>
LocalMatrix<T> converted(const LocalMatrix<double>& a) {
  LocalMatrix<T> out(a.rows, a.cols);
  for (std::int64_t i = 0; i < a.size(); ++i) out.values[i] = static_cast<T>(a.values[i]);
  return out;
}

template <typename T>
void write_problem(const ProcessGrid& grid, const Distribution& dist,
                   const GenerateOptions& options, const SyntheticProblem& problem) {
  const IndexRange rows = dist.block_rows(grid.row());
  const IndexRange cols = dist.block_cols(grid.col());
  const IndexRange w_rows = dist.owned_w_rows(grid.row(), grid.col());
  const IndexRange h_cols = dist.owned_h_cols(grid.row(), grid.col());

  io::Hdf5Output output;
  output.path = options.output;
  output.what = "generated matrix";
  output.payload_bytes = (dist.rows() * dist.cols() + (dist.rows() + dist.cols()) * problem.rank) *
                         static_cast<std::int64_t>(sizeof(T));
  io::write_hdf5_output(grid.all(), output, [&](hid_t file) {
    io::Hdf5Handle v = io::create_matrix_dataset<T>(file, options.dataset, dist.rows(),
                                                    dist.cols());
    io::write_block(v.get(), rows, cols, synthetic_block<T>(problem, rows, cols));
    io::Hdf5Handle w = io::create_matrix_dataset<T>(file, "W_true", dist.rows(), problem.rank);
    io::write_w_rows(w.get(), w_rows, converted<T>(true_w_rows(problem, w_rows)));
    io::Hdf5Handle h = io::create_matrix_dataset<T>(file, "H_true", problem.rank, dist.cols());
    io::write_h_cols(h.get(), h_cols, converted<T>(true_ht_cols(problem, h_cols)));
    io::write_attribute(file, "rows", problem.rows);
    io::write_attribute(file, "cols", problem.cols);
    io::write_attribute(file, "rank", problem.rank);
    io::write_attribute(file, "noise", problem.noise);
    io::write_attribute(file, "seed", static_cast<std::int64_t>(problem.seed));
    io::write_attribute(file, "precision", to_string(options.precision));
    io::write_attribute(file, "gridnmf_version", std::string(kVersion));
  });
}

}  // namespace

void run_generate(const GenerateOptions& options) {
  if (options.kind == GenerateKind::kHyperspectral) return run_generate_scene(options);
  io::silence_hdf5_errors();
  int ranks = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  io::check_output_writable(MPI_COMM_WORLD, options.output, "--output");
  const GridShape shape = choose_grid_shape(options.rows, options.cols, ranks);
  ProblemSize size;
  size.rows = options.rows;
  size.cols = options.cols;
  size.rank = options.rank;
  size.element_bytes = options.precision == Precision::kFloat32 ? 4 : 8;
  perf::check_memory(MPI_COMM_WORLD,
                     "generating V " + std::to_string(options.rows) + " x " +
                         std::to_string(options.cols) + " (" + to_string(options.precision) + ")",
                     [&](int p) { return generation_need(size, p); });
  const ProcessGrid grid(MPI_COMM_WORLD, shape);
  const Distribution dist(options.rows, options.cols, shape.rows, shape.cols);
  const SyntheticProblem problem{options.rows, options.cols, options.rank, options.noise,
                                 options.seed};
  if (options.precision == Precision::kFloat32) {
    write_problem<float>(grid, dist, options, problem);
  } else {
    write_problem<double>(grid, dist, options, problem);
  }
  ProgressPrinter(grid.rank() == 0, 1)
      .message("wrote " + options.output + ": V " + std::to_string(options.rows) + " x " +
               std::to_string(options.cols) + " (" + to_string(options.precision) +
               "), true rank " + std::to_string(options.rank) + ", noise " +
               std::to_string(options.noise));
}

}  // namespace gridnmf::cli
