// gridnmf_endmember_bench: times SPA and VCA (and the NNLS solve for H that
// follows them) on an HDF5 scene, and when the file holds /W_true prints the
// spectral angles of the chosen pixels to the true endmembers (best matching
// over all permutations, so keep k <= 9).
#include <mpi.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <numeric>
#include <string>
#include <vector>

#include "gridnmf/comm/collectives.hpp"
#include "gridnmf/grid/grid_shape.hpp"
#include "gridnmf/grid/process_grid.hpp"
#include "gridnmf/init/endmember_selection.hpp"
#include "gridnmf/io/hdf5_handle.hpp"
#include "gridnmf/io/matrix_reader.hpp"
#include "gridnmf/io/parallel_file.hpp"
#include "gridnmf/mpi/environment.hpp"

namespace {

using gridnmf::LocalMatrix;

constexpr const char* kUsage =
    "usage: gridnmf_endmember_bench --input FILE --k K [--dataset V] [--seed S (1)] [--repeats R (3)]\n"
    "  Times spa_select_columns, vca_select_columns and w_from_columns + nnls_ht on V;\n"
    "  with /W_true in FILE, prints the mean spectral angle (mSAD, radians) of the chosen pixels.\n";

// Angle between column a of x (m x ka) and column b of y (m x kb), row-major.
double angle(const std::vector<double>& x, std::int64_t ka, std::int64_t a,
             const std::vector<double>& y, std::int64_t kb, std::int64_t b, std::int64_t m) {
  double xy = 0, xx = 0, yy = 0;
  for (std::int64_t r = 0; r < m; ++r) {
    xy += x[r * ka + a] * y[r * kb + b];
    xx += x[r * ka + a] * x[r * ka + a];
    yy += y[r * kb + b] * y[r * kb + b];
  }
  return std::acos(std::clamp(xy / std::sqrt(xx * yy), -1.0, 1.0));
}

// Smallest mean angle over all matchings of estimated to true columns.
double matched_mean_angle(const std::vector<double>& estimate, const std::vector<double>& truth,
                          std::int64_t m, std::int64_t k) {
  std::vector<std::int64_t> order(static_cast<size_t>(k));
  std::iota(order.begin(), order.end(), 0);
  double best = 1e300;
  do {
    double sum = 0;
    for (std::int64_t l = 0; l < k; ++l) sum += angle(estimate, k, l, truth, k, order[l], m);
    best = std::min(best, sum / static_cast<double>(k));
  } while (std::next_permutation(order.begin(), order.end()));
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  gridnmf::mpi::Environment environment(argc, argv);
  int rank = 0, ranks = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &ranks);
  std::string input, dataset = "V";
  std::int64_t k = 0;
  std::uint64_t seed = 1;
  int repeats = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    if (name == "--input") input = value;
    else if (name == "--dataset") dataset = value;
    else if (name == "--k") k = std::stoll(value);
    else if (name == "--seed") seed = std::stoull(value);
    else if (name == "--repeats") repeats = std::max(1, std::stoi(value));
  }
  if (input.empty() || k < 1) {
    if (rank == 0) std::fputs(kUsage, stderr);
    return 2;
  }
  try {
    gridnmf::io::silence_hdf5_errors();
    gridnmf::io::Hdf5Handle file = gridnmf::io::open_parallel_file(MPI_COMM_WORLD, input);
    const auto shape = gridnmf::io::inspect_matrix(MPI_COMM_WORLD, file.get(), input, dataset);
    const gridnmf::GridShape grid_shape = gridnmf::choose_grid_shape(shape.rows, shape.cols, ranks);
    const gridnmf::ProcessGrid grid(MPI_COMM_WORLD, grid_shape);
    const gridnmf::Distribution dist(shape.rows, shape.cols, grid_shape.rows, grid_shape.cols);
    const gridnmf::DataBlock<double> v(gridnmf::io::read_block<double>(
        grid.all(), file.get(), input, dataset, dist.block_rows(grid.row()),
        dist.block_cols(grid.col())));
    std::vector<double> truth;
    if (H5Lexists(file.get(), "W_true", H5P_DEFAULT) > 0) {
      truth = gridnmf::io::read_block<double>(grid.all(), file.get(), input, "W_true",
                                              {0, shape.rows}, {0, k}).values;
    }
    if (rank == 0) {
      std::printf("%s: V %lld x %lld, k %lld, %d ranks, grid %s\n", input.c_str(),
                  static_cast<long long>(shape.rows), static_cast<long long>(shape.cols),
                  static_cast<long long>(k), ranks, grid_shape.to_string().c_str());
    }
    for (const std::string method : {"spa", "vca"}) {
      std::vector<std::int64_t> columns;
      double select = 1e300, nnls = 1e300;
      for (int r = 0; r < repeats; ++r) {
        gridnmf::comm::barrier(grid.all());
        double start = MPI_Wtime();
        columns = method == "spa" ? gridnmf::spa_select_columns(grid, dist, v, k)
                                  : gridnmf::vca_select_columns(grid, dist, v, k, seed);
        double seconds = MPI_Wtime() - start;
        gridnmf::comm::allreduce_max(grid.all(), &seconds, 1);
        select = std::min(select, seconds);
        gridnmf::comm::barrier(grid.all());
        start = MPI_Wtime();
        const LocalMatrix<double> w_own = gridnmf::w_from_columns(grid, dist, v, columns);
        const LocalMatrix<double> ht_own = gridnmf::nnls_ht(grid, dist, v, w_own);
        seconds = MPI_Wtime() - start;
        gridnmf::comm::allreduce_max(grid.all(), &seconds, 1);
        nnls = std::min(nnls, seconds);
      }
      std::string sad = "n/a (no /W_true)";
      if (!truth.empty()) {
        // The chosen pixels' spectra, whole, on every rank (small: m x k).
        const LocalMatrix<double> w_own = gridnmf::w_from_columns(grid, dist, v, columns);
        const gridnmf::IndexRange rows = dist.owned_w_rows(grid.row(), grid.col());
        std::vector<double> estimate(static_cast<size_t>(shape.rows * k), 0.0);
        std::copy(w_own.values.begin(), w_own.values.end(), estimate.begin() + rows.begin * k);
        gridnmf::comm::allreduce_sum(grid.all(), estimate.data(), shape.rows * k);
        sad = std::to_string(matched_mean_angle(estimate, truth, shape.rows, k));
      }
      if (rank == 0) {
        std::printf("%s: select %.4f s, W + NNLS for H %.4f s, mSAD %s, columns", method.c_str(),
                    select, nnls, sad.c_str());
        for (const std::int64_t c : columns) std::printf(" %lld", static_cast<long long>(c));
        std::printf("\n");
      }
    }
  } catch (const std::exception& e) {
    if (rank == 0) std::fprintf(stderr, "gridnmf_endmember_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
