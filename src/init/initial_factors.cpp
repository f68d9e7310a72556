#include "gridnmf/init/initial_factors.hpp"

#include <vector>

#include "gridnmf/init/data_mean.hpp"
#include "gridnmf/init/endmember_selection.hpp"
#include "gridnmf/init/nndsvd.hpp"
#include "gridnmf/init/random_init.hpp"
#include "gridnmf/io/factor_io.hpp"
#include "gridnmf/io/input_check.hpp"
#include "gridnmf/io/parallel_file.hpp"

namespace gridnmf {

namespace {


NndsvdFill fill_of(InitMethod method) {
  if (method == InitMethod::kNndsvda) return NndsvdFill::kMean;
  if (method == InitMethod::kNndsvdar) return NndsvdFill::kRandom;
  return NndsvdFill::kZeros;
}

}  // namespace

template <typename T>
std::pair<LocalMatrix<T>, LocalMatrix<T>> initial_factors(const ProcessGrid& grid,
                                                          const Distribution& dist,
                                                          const DataBlock<T>& v_block,
                                                          const InitChoice& init, std::int64_t k,
                                                          std::uint64_t seed,
                                                          const linalg::SvdSettings& svd) {
  switch (init.method) {
    case InitMethod::kFile:
      return read_factors_file<T>(grid, dist, init.path, k);
    case InitMethod::kNndsvd:
    case InitMethod::kNndsvda:
    case InitMethod::kNndsvdar: {
      const double mean = grid_independent_mean(grid, v_block, dist.rows(), dist.cols());
      const linalg::TruncatedSvd triplets = linalg::truncated_svd(grid, dist, v_block, k, svd);
      return nndsvd_factors<T>(grid, dist, triplets, fill_of(init.method), mean, seed);
    }
    case InitMethod::kSpa: {
      const std::vector<std::int64_t> columns = spa_select_columns(grid, dist, v_block, k);
      LocalMatrix<T> w = w_from_columns(grid, dist, v_block, columns);
      LocalMatrix<T> ht = nnls_ht(grid, dist, v_block, w);
      return {std::move(w), std::move(ht)};
    }
    case InitMethod::kRandom:
    default: {
      const double mean = grid_independent_mean(grid, v_block, dist.rows(), dist.cols());
      const double scale = random_init_scale(mean, k);
      return {random_w_rows<T>(dist.owned_w_rows(grid.row(), grid.col()), k, seed, scale),
              random_ht_cols<T>(dist.owned_h_cols(grid.row(), grid.col()), k, seed, scale)};
    }
  }
}

template <typename T>
std::pair<LocalMatrix<T>, LocalMatrix<T>> read_factors_file(const ProcessGrid& grid,
                                                            const Distribution& dist,
                                                            const std::string& path,
                                                            std::int64_t k) {
  const IndexRange w_rows = dist.owned_w_rows(grid.row(), grid.col());
  const IndexRange h_cols = dist.owned_h_cols(grid.row(), grid.col());
  io::Hdf5Handle file = io::open_parallel_file(grid.all(), path);
  auto w = io::read_w_rows<T>(grid.all(), file.get(), path, "W", dist.rows(), k, w_rows);
  auto ht = io::read_h_cols<T>(grid.all(), file.get(), path, "H", k, dist.cols(), h_cols);
  io::check_nonnegative_finite(grid.all(), w, w_rows, IndexRange{0, k}, path + ":/W");
  io::check_nonnegative_finite(grid.all(), transposed(ht), IndexRange{0, k}, h_cols,
                               path + ":/H");
  return {std::move(w), std::move(ht)};
}

template std::pair<LocalMatrix<double>, LocalMatrix<double>> read_factors_file<double>(
    const ProcessGrid&, const Distribution&, const std::string&, std::int64_t);
template std::pair<LocalMatrix<float>, LocalMatrix<float>> read_factors_file<float>(
    const ProcessGrid&, const Distribution&, const std::string&, std::int64_t);
template std::pair<LocalMatrix<double>, LocalMatrix<double>> initial_factors<double>(
    const ProcessGrid&, const Distribution&, const DataBlock<double>&, const InitChoice&,
    std::int64_t, std::uint64_t, const linalg::SvdSettings&);
template std::pair<LocalMatrix<float>, LocalMatrix<float>> initial_factors<float>(
    const ProcessGrid&, const Distribution&, const DataBlock<float>&, const InitChoice&,
    std::int64_t, std::uint64_t, const linalg::SvdSettings&);

}  // namespace gridnmf
